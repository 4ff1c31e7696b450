// Fuzz target `bnn`: the .bnn network loader (workloads/src/network_io.cpp parse_network),
// once on the input as it is (the CRC-32 gate rejects almost every mutation) and once with
// the last four bytes replaced by the CRC-32 of the others, so the fuzzer reaches the field
// checks behind the gate.
// Oracle: every bad file is a NetworkFileError; a file that parses is a valid network
// (validate_network) whose serialization is byte for byte the file (the format has one
// encoding per network).
#include "fuzz_support.h"

#include "cimvp/workloads/network_io.h"

#include <zlib.h>

#include <cstring>
#include <vector>

namespace {

using namespace cimvp;

void parse_and_check(const std::uint8_t* bytes, std::size_t size) {
  BnnNetwork net;
  try {
    net = parse_network(bytes, size, "fuzz.bnn");
  } catch (const NetworkFileError&) {
    return;
  }
  try {
    validate_network(net, "parsed");
  } catch (const NetworkFileError& e) {
    FUZZ_CHECK(false, std::string("parse_network accepted an invalid network: ") + e.what());
  }
  const std::vector<std::uint8_t> again = serialize_network(net);
  FUZZ_CHECK(again.size() == size && std::memcmp(again.data(), bytes, size) == 0,
             "serialize_network(parse_network(file)) differs from the file");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  parse_and_check(data, size);  // with the CRC gate
  if (size < 4) return 0;
  std::vector<std::uint8_t> fixed(data, data + size);  // past the CRC gate
  const auto crc = static_cast<std::uint32_t>(crc32(crc32(0L, Z_NULL, 0), fixed.data(), static_cast<uInt>(size - 4)));
  for (int i = 0; i < 4; ++i) fixed[size - 4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  parse_and_check(fixed.data(), fixed.size());
  return 0;
}
