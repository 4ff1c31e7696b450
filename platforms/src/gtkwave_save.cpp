// GTKWave save files (cimvp/platform/gtkwave_save.h).
#include "cimvp/platform/gtkwave_save.h"

#include "cimvp/cim/controller/cim_types.h"
#include "cimvp/core/bus_master.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace cimvp {
namespace fs = std::filesystem;

namespace {

std::string with_suffix(const std::string& vcd_path, const std::string& suffix) {
  fs::path p(vcd_path);
  p.replace_extension();
  return p.string() + suffix;
}

std::ofstream open_or_throw(const std::string& path) {
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write '" + path + "'");
  return f;
}

// GTKWave trace flags (a save file's "@<hex>" lines): hex 0x2, decimal 0x4, binary 0x8,
// right-justified 0x20, signed 0x400, translated through a filter file 0x2000.
constexpr const char* kBit = "@28";
constexpr const char* kHex = "@22";
constexpr const char* kDec = "@24";
constexpr const char* kSigned = "@424";
constexpr const char* kNamed = "@2024";

}  // namespace

std::string gtkwave_save_path(const std::string& vcd_path) { return with_suffix(vcd_path, ".gtkw"); }

std::vector<std::string> gtkwave_files(const std::string& vcd_path) {
  return {gtkwave_save_path(vcd_path), with_suffix(vcd_path, ".cim-state.txt"), with_suffix(vcd_path, ".bus-cmd.txt")};
}

void write_gtkwave_save(const std::string& vcd_path, bool has_cim, bool has_column) {
  const std::string state_filter = with_suffix(vcd_path, ".cim-state.txt");
  const std::string bus_filter = with_suffix(vcd_path, ".bus-cmd.txt");
  {
    auto f = open_or_throw(state_filter);
    f << "# values of top.cim.state (CimState, models/cim/controller/cim_types.h)\n";
    for (auto s : {CimState::idle, CimState::load, CimState::input, CimState::compute, CimState::output,
                   CimState::backward, CimState::update, CimState::gradient, CimState::thresholds})
      f << static_cast<unsigned>(s) << ' ' << to_string(s) << '\n';
  }
  {
    auto f = open_or_throw(bus_filter);
    f << "# values of <initiator>.bus_cmd (BusTrace::Cmd, models/core/bus_master.h)\n";
    const char* names[] = {"idle", "read", "write", "copy"};
    for (unsigned c = 0; c < 4; ++c) {
      f << c << ' ' << names[c] << '\n';
      if (c > 0) f << c + BusTrace::dmi << ' ' << names[c] << "_dmi\n";
    }
  }
  const std::string abs_vcd = fs::absolute(vcd_path).string();
  auto f = open_or_throw(gtkwave_save_path(vcd_path));
  f << "[*] cimvp waveform view (docs/waveforms.md): gtkwave " << fs::path(vcd_path).filename().string() << ' '
    << fs::path(gtkwave_save_path(vcd_path)).filename().string() << '\n'
    << "[dumpfile] \"" << abs_vcd << "\"\n"
    << "[timestart] 0\n";
  auto group = [&](const char* name) { f << "@800200\n-" << name << '\n'; };
  auto end_group = [&](const char* name) { f << "@1000200\n-" << name << '\n'; };
  auto bus = [&](const std::string& who) {
    f << kHex << "\nSystemC.top." << who << ".bus_addr[63:0]\n"
      << kDec << "\nSystemC.top." << who << ".bus_bytes[31:0]\n"
      << kNamed << "\n^1 " << fs::absolute(bus_filter).string() << "\nSystemC.top." << who << ".bus_cmd[31:0]\n";
  };
  group("host");
  f << kBit << "\nSystemC.top.host.waiting_irq\nSystemC.top.dma_irq\n";
  if (has_cim) f << "SystemC.top.cim_irq\n";
  bus("host");
  end_group("host");
  group("dma");
  f << kBit << "\nSystemC.top.dma.busy\n";
  bus("dma");
  end_group("dma");
  if (has_cim) {
    group("cim");
    f << kBit << "\nSystemC.top.cim.busy\n"
      << kNamed << "\n^1 " << fs::absolute(state_filter).string() << "\nSystemC.top.cim.state[31:0]\n"
      << kSigned << "\nSystemC.top.cim.layer[31:0]\n"
      << kDec << "\nSystemC.top.cim.plane[31:0]\nSystemC.top.cim.vector[63:0]\nSystemC.top.cim.tile_vectors[31:0]\n"
      << "SystemC.top.cim.read_wordlines[63:0]\nSystemC.top.cim.read_conversions[63:0]\n"
      << "SystemC.top.cim.buffer.in_fill0[31:0]\nSystemC.top.cim.buffer.in_fill1[31:0]\n"
      << "SystemC.top.cim.buffer.out_fill0[31:0]\nSystemC.top.cim.buffer.out_fill1[31:0]\n";
    if (has_column)
      f << kSigned << "\nSystemC.top.cim.row_block[31:0]\nSystemC.top.cim.column_sensed[31:0]\nSystemC.top.cim.column_sum[31:0]\n";
    bus("cim");
    end_group("cim");
  }
  if (!f) throw std::runtime_error("cannot write '" + gtkwave_save_path(vcd_path) + "'");
}

}  // namespace cimvp
