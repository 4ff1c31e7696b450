// VCD time windows (cimvp/platform/vcd_window.h).
#include "cimvp/platform/vcd_window.h"

#include <fstream>
#include <map>
#include <stdexcept>

namespace cimvp {

namespace {

/// The identifier code of a value-change line ("b101 !a", "r1.5 !a", "1!a"), or "".
std::string change_id(const std::string& line) {
  if (line.empty()) return "";
  const char c = line[0];
  if (c == 'b' || c == 'B' || c == 'r' || c == 'R') {
    const auto sp = line.find(' ');
    return sp == std::string::npos ? "" : line.substr(sp + 1);
  }
  if (c == '0' || c == '1' || c == 'x' || c == 'X' || c == 'z' || c == 'Z') return line.substr(1);
  return "";
}

}  // namespace

std::uint64_t cut_vcd_window(const std::string& in_path, const std::string& out_path, std::uint64_t t0,
                             std::uint64_t t1) {
  std::ifstream in(in_path);
  if (!in) throw std::runtime_error("cannot read the VCD '" + in_path + "'");
  std::ofstream out(out_path);
  if (!out) throw std::runtime_error("cannot write the VCD '" + out_path + "'");
  std::string line;
  bool header_done = false;
  while (std::getline(in, line)) {
    out << line << '\n';
    if (line.find("$enddefinitions") != std::string::npos) {
      header_done = true;
      break;
    }
  }
  if (!header_done) throw std::runtime_error("'" + in_path + "' is not a VCD file (no $enddefinitions)");

  std::map<std::string, std::string> value;  // id → its last value-change line (ordered: deterministic)
  std::uint64_t now = 0, changes = 0, last_written = t0;
  bool opened = false;  // "#t0" and $dumpvars written
  auto open_window = [&]() {
    out << '#' << t0 << "\n$dumpvars\n";
    for (const auto& [id, v] : value) out << v << '\n';
    out << "$end\n";
    opened = true;
  };
  bool in_comment = false;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (in_comment) {
      if (line.find("$end") != std::string::npos) in_comment = false;
      continue;
    }
    if (line.empty() || line == "$dumpvars" || line == "$end" || line == "$dumpall" || line == "$dumpon" ||
        line == "$dumpoff")
      continue;
    if (line.rfind("$comment", 0) == 0) {
      in_comment = line.find("$end") == std::string::npos;
      continue;
    }
    if (line[0] == '#') {
      try {
        now = std::stoull(line.substr(1));
      } catch (const std::exception&) {
        throw std::runtime_error("'" + in_path + "': bad timestamp line '" + line + "'");
      }
      if (now > t1) break;
      if (now > t0) {
        if (!opened) open_window();
        out << line << '\n';
        last_written = now;
      }
      continue;
    }
    const std::string id = change_id(line);
    if (id.empty()) continue;
    if (now <= t0) {
      value[id] = line;
    } else {
      out << line << '\n';
      ++changes;
    }
  }
  if (!opened) open_window();
  if (t1 > last_written) out << '#' << t1 << '\n';
  if (!out) throw std::runtime_error("cannot write the VCD '" + out_path + "'");
  return changes;
}

}  // namespace cimvp
