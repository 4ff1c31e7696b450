#include "cimvp/cim/controller/cim_types.h"

#include "cimvp/circuit/thread_pool.h"
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
[[noreturn]] void bad(const std::string& field, const std::string& value, const std::string& allowed) {
  throw std::invalid_argument("CimMacroConfig." + field + " = " + value + ": expected " + allowed);
}
std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}
void check_time(const std::string& field, double v, bool positive) {
  if (!std::isfinite(v) || v < 0.0 || (positive && v == 0.0)) bad(field, num(v), positive ? "> 0 ns" : ">= 0 ns");
}
}  // namespace

void CimMacroConfig::validate() const {
  array.validate();
  sense.validate();
  cells.validate();
  if (sense.mux < 1 || sense.mux > array.cols)
    bad("sense.mux", std::to_string(sense.mux), "1..cols (" + std::to_string(array.cols) + ")");
  if (capacity_subarrays < 1) bad("capacity_subarrays", std::to_string(capacity_subarrays), ">= 1");
  if (max_layers < 1 || max_layers > 255) bad("max_layers", std::to_string(max_layers), "1..255");
  if (max_width < 1 || max_width > (1u << 20)) bad("max_width", std::to_string(max_width), "1..1048576");
  if (tile_vectors < 1 || tile_vectors > 65536) bad("tile_vectors", std::to_string(tile_vectors), "1..65536");
  if (threads > kMaxThreads) bad("threads", std::to_string(threads), "0.." + std::to_string(kMaxThreads) + " (0 = every core)");
  if (bus_width_bytes < 1) bad("bus_width_bytes", std::to_string(bus_width_bytes), ">= 1");
  if (burst_bytes < 1) bad("burst_bytes", std::to_string(burst_bytes), ">= 1");
  check_time("timing.clock_period_ns", timing.clock_period_ns, true);
  check_time("timing.array_read_ns", timing.array_read_ns, false);
  check_time("timing.sense_ns", timing.sense_ns, false);
  check_time("timing.accumulate_ns", timing.accumulate_ns, false);
  check_time("timing.activation_ns", timing.activation_ns, false);
  check_time("timing.dac_ns", timing.dac_ns, false);
  if (drive.kind != DriveKind::binary && drive.kind != DriveKind::row_dac)
    bad("drive.kind", std::to_string(static_cast<int>(drive.kind)), "binary|row_dac");
  drive.dac.validate();
  if (drive.buffer_bytes < 1) bad("drive.buffer_bytes", std::to_string(drive.buffer_bytes), ">= 1");
  if (two_way.enabled) {
    check_time("two_way.transposed_read_ns", two_way.transposed_read_ns, false);
    check_time("two_way.row_write_ns", two_way.row_write_ns, false);
  }
}

const char* cim_error_name(std::uint32_t code) {
  switch (code) {
    case cim_err::NONE: return "NONE";
    case cim_err::BUS_ERROR: return "BUS_ERROR";
    case cim_err::MISALIGNED: return "MISALIGNED";
    case cim_err::BAD_HEADER: return "BAD_HEADER";
    case cim_err::BAD_SHAPE: return "BAD_SHAPE";
    case cim_err::CAPACITY: return "CAPACITY";
    case cim_err::BAD_DESCRIPTOR: return "BAD_DESCRIPTOR";
    case cim_err::BAD_MLSA_TABLE: return "BAD_MLSA_TABLE";
    case cim_err::NOT_CALIBRATED: return "NOT_CALIBRATED";
    case cim_err::BAD_BATCH: return "BAD_BATCH";
    case cim_err::START_WHILE_BUSY: return "START_WHILE_BUSY";
    case cim_err::INTERNAL: return "INTERNAL";
    case cim_err::BAD_BUFFER: return "BAD_BUFFER";
    case cim_err::NOT_TWO_WAY: return "NOT_TWO_WAY";
    case cim_err::BAD_TRAINING: return "BAD_TRAINING";
  }
  return "UNKNOWN";
}

const char* to_string(CimState s) {
  switch (s) {
    case CimState::idle: return "idle";
    case CimState::load: return "load";
    case CimState::input: return "input";
    case CimState::compute: return "compute";
    case CimState::output: return "output";
    case CimState::backward: return "backward";
    case CimState::update: return "update";
    case CimState::gradient: return "gradient";
    case CimState::thresholds: return "thresholds";
  }
  return "?";
}

const char* to_string(InputFormat f) {
  switch (f) {
    case InputFormat::pixels_binarized: return "pixels_binarized";
    case InputFormat::pixels_bit_serial: return "pixels_bit_serial";
    case InputFormat::packed_bits: return "packed_bits";
    case InputFormat::on_chip: return "on_chip";
  }
  return "?";
}

std::uint64_t cim_input_bytes(InputFormat f, std::uint32_t k) {
  switch (f) {
    case InputFormat::pixels_binarized:
    case InputFormat::pixels_bit_serial: return k;
    case InputFormat::packed_bits: return words_for_bits(k) * 8;
    case InputFormat::on_chip: return 0;
  }
  return 0;
}

}  // namespace cimvp
