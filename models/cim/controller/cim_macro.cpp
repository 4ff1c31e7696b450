#include "cimvp/cim/controller/cim_macro.h"
#include "cimvp/cim/sense/sense_factory.h"
#include "cimvp/cim/drive/drive_stage.h"
#include "cimvp/core/payload.h"

#include "cimvp/core/hal.h"
#include "cimvp/core/nb_complete.h"
#include "cimvp/core/trace_util.h"

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/ppa_energy.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {

constexpr std::uint32_t kNoLayer = 0xFFFFFFFFu;
constexpr std::uint64_t kMaxTableBytes = 64ull << 20;

std::uint32_t le32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}
std::uint64_t le64(const std::uint8_t* p) { return le32(p) | static_cast<std::uint64_t>(le32(p + 4)) << 32; }

std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

const CimMacroConfig& validated(const CimMacroConfig& c) {
  c.validate();
  return c;
}

/// The array stage's two-way configuration: row converters of the sense stage's kind.
TwoWayArrayConfig two_way_of(const CimMacroConfig& c) {
  TwoWayArrayConfig t = c.two_way;
  t.sense = c.sense;
  return t;
}

constexpr std::uint32_t kCommandBits = cim_bit::CTRL_START | cim_bit::CTRL_LOAD | cim_bit::CTRL_BACKWARD |
                                       cim_bit::CTRL_UPDATE | cim_bit::CTRL_KEEP | cim_bit::CTRL_GRADIENT |
                                       cim_bit::CTRL_THRESHOLDS;

}  // namespace

CimMacro::CimMacro(sc_core::sc_module_name name, const CimMacroConfig& config)
    : sc_core::sc_module(name),
      target_socket("target_socket"),
      initiator_socket("initiator_socket"),
      irq("irq"),
      busy("busy", false),
      state("state", 0),
      layer("layer", kNoTraceLayer),
      plane("plane", 0),
      vector("vector", 0),
      tile_vectors("tile_vectors", 0),
      read_wordlines("read_wordlines", 0),
      read_conversions("read_conversions", 0),
      row_block("row_block", kNoTraceLayer),
      column_sensed("column_sensed", 0),
      column_sum("column_sum", 0),
      timeline("timeline"),
      bus_trace(timeline),
      drive_port("drive_port"),
      array_port("array_port"),
      sense_port("sense_port"),
      acc_port("acc_port"),
      drive(make_drive_stage("drive", validated(config).drive, config.timing.dac_ns)),
      array_stage(make_array_stage("array", config.array, config.cells, config.timing.array_read_ns,
                                   config.timing.clock_period_ns, two_way_of(config))),
      array(*array_stage),
      sense(make_sense_stage("sense", config.array, config.sense, config.timing.sense_ns)),
      accumulator("accumulator", config.array, config.timing),
      buffer("buffer", config.buffer, config.timing.clock_period_ns),
      buffer_port("buffer_port"),
      config_(config),
      start_ev_("start_ev"),
      update_ev_("update_ev"),
      bus_(initiator_socket, qk_,
           BusMasterConfig{sc_core::sc_time(config.timing.clock_period_ns, sc_core::SC_NS), config.bus_width_bytes,
                           config.burst_bytes, config.use_dmi, false}) {
  using namespace cim_reg;
  using namespace cim_bit;
  {
    const unsigned t = resolve_threads(config.threads);
    if (t > kMaxThreads)
      throw std::invalid_argument(std::string(this->name()) + ": threads " + std::to_string(config.threads) +
                                  ", expected 0.." + std::to_string(kMaxThreads));
    if (t > 1) pool_ = std::make_unique<ThreadPool>(t);
    sense->set_pool(pool_.get());
  }
  // Stages: controller → array → sense → accumulator, through their interfaces.
  drive_port.bind(drive->target_export);
  array.drive_port.bind(drive->target_export);
  array_port.bind(array.target_export);
  sense_port.bind(sense->target_export);
  acc_port.bind(accumulator.target_export);
  array.sense_port.bind(sense->target_export);
  sense->acc_port.bind(accumulator.target_export);
  stages_ = {drive.get(), &array, sense.get(), &accumulator};
  buffer_port.bind(buffer.target_export);

  auto signals = [this](std::uint32_t, std::uint32_t) { update_ev_.notify(mmio_delay_); };
  auto desc_written = [this](std::uint32_t, std::uint32_t) {
    ++desc_generation_;
    loaded_ = false;
    regs_.clear_bits(STATUS, STATUS_LOADED);
  };
  const auto& a = config_.array;
  const auto& m = config_.sense;
  regs_.add({"ID", ID, cim_id, 0, 0, nullptr, nullptr});
  regs_.add({"VERSION", VERSION, cim_version, 0, 0, nullptr, nullptr});
  regs_.add({"CTRL", CTRL, 0, kCommandBits, 0, nullptr, [this](std::uint32_t, std::uint32_t now) {
               if (now & (CTRL_START | CTRL_LOAD | CTRL_BACKWARD | CTRL_UPDATE | CTRL_GRADIENT | CTRL_THRESHOLDS)) {
                 regs_.set(CTRL, 0);
                 command_requested(now);
               } else {
                 regs_.set(CTRL, 0);  // KEEP alone is no command
               }
             }, kCommandBits});  // command bits: always read 0, never stored by a debug write
  regs_.add({"STATUS", STATUS, 0, 0, STATUS_DONE | STATUS_ERROR, nullptr, nullptr});
  regs_.add({"IRQ_ENABLE", IRQ_ENABLE, 0, IRQ_DONE | IRQ_ERROR, 0, nullptr, signals});
  regs_.add({"IRQ_STATUS", IRQ_STATUS, 0, 0, IRQ_DONE | IRQ_ERROR, nullptr, signals});
  regs_.add({"DESC_LO", DESC_LO, 0, 0xFFFFFFFFu, 0, nullptr, desc_written});
  regs_.add({"DESC_HI", DESC_HI, 0, 0xFFFFFFFFu, 0, nullptr, desc_written});
  regs_.add({"INPUT_LO", INPUT_LO, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
  regs_.add({"INPUT_HI", INPUT_HI, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
  regs_.add({"OUTPUT_LO", OUTPUT_LO, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
  regs_.add({"OUTPUT_HI", OUTPUT_HI, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
  regs_.add({"BATCH", BATCH, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
  regs_.add({"ERROR_CODE", ERROR_CODE, cim_err::NONE, 0, 0, nullptr, nullptr});
  regs_.add({"ERROR_INFO", ERROR_INFO, kNoLayer, 0, 0, nullptr, nullptr});
  regs_.add({"ERR_ADDR_LO", ERR_ADDR_LO, 0, 0, 0, nullptr, nullptr});
  regs_.add({"ERR_ADDR_HI", ERR_ADDR_HI, 0, 0, 0, nullptr, nullptr});
  regs_.add({"STATE", STATE, 0, 0, 0, nullptr, nullptr});
  regs_.add({"LAYERS", LAYERS, 0, 0, 0, nullptr, nullptr});
  regs_.add({"DONE_COUNT", DONE_COUNT, 0, 0, 0, nullptr, nullptr});
  regs_.add({"CAP_ARRAY", CAP_ARRAY, (a.rows & 0xFFFFu) | (a.cols & 0xFFFFu) << 16, 0, 0, nullptr, nullptr});
  regs_.add({"CAP_MODE", CAP_MODE,
             static_cast<std::uint32_t>(a.mode) | static_cast<std::uint32_t>(a.access) << 2 |
                 (a.group_rows & 0xFFFFu) << 16,
             0, 0, nullptr, nullptr});
  regs_.add({"CAP_SENSE", CAP_SENSE,
             (m.bits & 0x1Fu) | static_cast<std::uint32_t>(m.quantization) << 5 |
                 static_cast<std::uint32_t>(m.kind) << 8 | static_cast<std::uint32_t>(m.converter) << 9 |
                 static_cast<std::uint32_t>(m.full_scale) << 10,
             0, 0, nullptr, nullptr});
  regs_.add({"CAP_CAPACITY", CAP_CAPACITY, config_.capacity_subarrays, 0, 0, nullptr, nullptr});
  regs_.add({"CAP_LIMITS", CAP_LIMITS,
             (config_.max_layers & 0xFFu) | ((config_.max_width / 64) & 0xFFFFu) << 16, 0, 0, nullptr, nullptr});
  regs_.add({"SUBARRAYS", SUBARRAYS, 0, 0, 0, nullptr, nullptr});
  regs_.add({"IO_MODE", IO_MODE, 0, IO_INPUT_BUFFER | IO_OUTPUT_BUFFER, 0, nullptr, nullptr});
  regs_.add({"CAP_BUF_IN", CAP_BUF_IN, static_cast<std::uint32_t>(config_.buffer.input_half_bytes), 0, 0, nullptr,
             nullptr});
  regs_.add({"CAP_BUF_OUT", CAP_BUF_OUT, static_cast<std::uint32_t>(config_.buffer.output_half_bytes), 0, 0,
             nullptr, nullptr});
  {
    Register drop{"SUPPORT_DROP", SUPPORT_DROP, 0, 0xFFFFFFFFu, 0, nullptr, nullptr};
    drop.accept = [](std::uint32_t v) { return v <= kDropLevelScale; };
    regs_.add(std::move(drop));
  }
  if (config_.two_way.enabled) {  // training registers: only a two-way macro has them (area)
    regs_.add({"TRAIN_LAYER", TRAIN_LAYER, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
    Register bits{"ERROR_BITS", ERROR_BITS, kMaxErrorBits, 0xFFFFFFFFu, 0, nullptr, nullptr};
    bits.accept = [](std::uint32_t v) { return v >= 1 && v <= kMaxErrorBits; };
    regs_.add(std::move(bits));
    regs_.add({"KEEP_LO", KEEP_LO, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
    regs_.add({"KEEP_HI", KEEP_HI, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
    regs_.add({"CELLS_WRITTEN", CELLS_WRITTEN, 0, 0, 0, nullptr, nullptr});
    regs_.add({"CAP_TWO_WAY", CAP_TWO_WAY, 1u, 0, 0, nullptr, nullptr});
    regs_.add({"ACT_LO", ACT_LO, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
    regs_.add({"ACT_HI", ACT_HI, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
    regs_.add({"GRAD_FIRST", GRAD_FIRST, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
    regs_.add({"GRAD_COUNT", GRAD_COUNT, 0, 0xFFFFFFFFu, 0, nullptr, nullptr});
    gradient_unit = std::make_unique<GradientUnit>("gradient", config_.array.cols, config_.timing.clock_period_ns);
  }
  const auto& dr = config_.drive;
  regs_.add({"CAP_DRIVE", CAP_DRIVE,
             (dr.kind == DriveKind::row_dac ? 1u : 0u) | (dr.dac.bits & 0xFu) << 4 |
                 (std::min<std::uint32_t>(dr.buffer_bytes / 1024, 0xFFFFu)) << 16,
             0, 0, nullptr, nullptr});

  clock_ = sc_core::sc_time(config_.timing.clock_period_ns, sc_core::SC_NS);

  target_socket.register_b_transport(this, &CimMacro::b_transport);
  target_socket.register_nb_transport_fw(this, &CimMacro::nb_transport_fw);
  target_socket.register_transport_dbg(this, &CimMacro::transport_dbg);
  target_socket.register_get_direct_mem_ptr(this, &CimMacro::get_direct_mem_ptr);
  initiator_socket.register_invalidate_direct_mem_ptr(this, &CimMacro::invalidate_direct_mem_ptr);

  c_commands_ = counters_.declare("commands");
  c_loads_ = counters_.declare("loads");
  c_batches_ = counters_.declare("batches");
  c_tiles_ = counters_.declare("tiles");
  c_vectors_ = counters_.declare("vectors");
  c_layers_ = counters_.declare("layers_loaded");
  c_desc_bytes_ = counters_.declare("descriptor_bytes");
  c_weight_bytes_ = counters_.declare("weight_bytes");
  c_table_bytes_ = counters_.declare("table_bytes");
  c_support_bytes_ = counters_.declare("support_bytes");
  c_drop_changes_ = counters_.declare("drop_level_changes");
  c_input_bytes_ = counters_.declare("input_bytes");
  c_output_bytes_ = counters_.declare("output_bytes");
  c_bytes_read_ = counters_.declare("bytes_read");
  c_bytes_written_ = counters_.declare("bytes_written");
  c_tlm_reads_ = counters_.declare("tlm_reads");
  c_tlm_writes_ = counters_.declare("tlm_writes");
  c_dmi_reads_ = counters_.declare("dmi_reads");
  c_dmi_writes_ = counters_.declare("dmi_writes");
  c_dmi_grants_ = counters_.declare("dmi_grants");
  c_errors_ = counters_.declare("errors");
  c_irqs_ = counters_.declare("irqs");
  c_mmio_reads_ = counters_.declare("mmio_reads");
  c_mmio_writes_ = counters_.declare("mmio_writes");
  c_busy_cycles_ = counters_.declare("busy_cycles");
  c_dmi_bytes_read_ = counters_.declare("dmi_bytes_read");
  c_dmi_bytes_written_ = counters_.declare("dmi_bytes_written");
  c_buf_read_ = counters_.declare("buffer_bits_read");
  c_buf_written_ = counters_.declare("buffer_bits_written");
  c_conv_windows_ = counters_.declare("conv_windows");
  c_pool_ors_ = counters_.declare("pool_or_ops");
  c_backward_vectors_ = counters_.declare("backward_vectors");
  c_error_bytes_ = counters_.declare("error_bytes");
  c_update_records_ = counters_.declare("update_records");
  c_keep_bytes_ = counters_.declare("keep_bytes");
  c_gradient_vectors_ = counters_.declare("gradient_vectors");
  c_act_bytes_ = counters_.declare("act_bytes");
  c_gradient_bytes_ = counters_.declare("gradient_bytes");
  c_threshold_commands_ = counters_.declare("threshold_commands");
  c_threshold_bytes_ = counters_.declare("threshold_bytes");
  BusCounterMap map;
  map.tlm_reads = c_tlm_reads_;
  map.tlm_writes = c_tlm_writes_;
  map.dmi_reads = c_dmi_reads_;
  map.dmi_writes = c_dmi_writes_;
  map.bytes_read = c_bytes_read_;
  map.bytes_written = c_bytes_written_;
  map.dmi_bytes_read = c_dmi_bytes_read_;
  map.dmi_bytes_written = c_dmi_bytes_written_;
  map.dmi_grants = c_dmi_grants_;
  bus_.count_into(counters_, map);
  bus_.trace_into(bus_trace);

  SC_HAS_PROCESS(CimMacro);
  SC_THREAD(run);
  SC_METHOD(update_signals);
  sensitive << update_ev_;
}

void CimMacro::trace(sc_core::sc_trace_file* tf) const {
  trace_member(tf, irq, *this, "irq");
  trace_member(tf, busy, *this, "busy");
  trace_member(tf, state, *this, "state");
  trace_member(tf, layer, *this, "layer");
  trace_member(tf, plane, *this, "plane");
  trace_member(tf, vector, *this, "vector");
  trace_member(tf, tile_vectors, *this, "tile_vectors");
  trace_member(tf, read_wordlines, *this, "read_wordlines");
  trace_member(tf, read_conversions, *this, "read_conversions");
  if (config_.trace_column.enabled) {
    trace_member(tf, row_block, *this, "row_block");
    trace_member(tf, column_sensed, *this, "column_sensed");
    trace_member(tf, column_sum, *this, "column_sum");
  }
  bus_trace.trace(tf, *this);
  if (tf != nullptr) timeline.enable();
  for (const CimStage* st : stages_) st->trace(tf);
  buffer.trace(tf);
}

void CimMacro::reset() {
  regs_.reset();
  for (CimStage* st : stages_) st->reset();
  buffer.reset();
  want_load_ = want_run_ = loaded_ = false;
  want_backward_ = want_update_ = want_keep_ = want_gradient_ = want_thresholds_ = false;
  state_ = CimState::idle;
  irq_level_ = false;
  drop_applied_ = 0;
  vectors_since_load_ = 0;
  layers_.clear();
  timeline.clear();
  bus_trace.reset();
  layer.write(kNoTraceLayer);
  plane.write(0);
  vector.write(0);
  tile_vectors.write(0);
  read_wordlines.write(0);
  read_conversions.write(0);
  row_block.write(kNoTraceLayer);
  column_sensed.write(0);
  column_sum.write(0);
  bus_.invalidate_direct_mem_ptr(0, ~sc_dt::uint64{0});
  update_ev_.notify(sc_core::SC_ZERO_TIME);
}

// ---- MMIO target -------------------------------------------------------------------

void CimMacro::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  delay += clock_;
  mmio_delay_ = delay;
  const tlm::tlm_command cmd = trans.get_command();
  if (regs_.access(trans, false) == tlm::TLM_OK_RESPONSE)
    counters_.add(cmd == tlm::TLM_READ_COMMAND ? c_mmio_reads_ : c_mmio_writes_);
  trans.set_dmi_allowed(false);
}

tlm::tlm_sync_enum CimMacro::nb_transport_fw(tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                       sc_core::sc_time& delay) {
  return complete_at_begin_req(*this, "cimvp/cim_macro", trans, phase, delay,
                               [this](tlm::tlm_generic_payload& t, sc_core::sc_time& d) { b_transport(t, d); });
}

unsigned CimMacro::transport_dbg(tlm::tlm_generic_payload& trans) {
  return regs_.access(trans, true) == tlm::TLM_OK_RESPONSE ? 4u : 0u;
}

bool CimMacro::get_direct_mem_ptr(tlm::tlm_generic_payload&, tlm::tlm_dmi& dmi) {
  dmi.set_start_address(0);
  dmi.set_end_address(~static_cast<sc_dt::uint64>(0));
  dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
  return false;  // registers: never DMI
}

void CimMacro::command_requested(std::uint32_t ctrl) {
  using namespace cim_reg;
  using namespace cim_bit;
  if (regs_.get(STATUS) & STATUS_BUSY) {
    regs_.set_bits(STATUS, STATUS_ERROR);
    regs_.set_bits(IRQ_STATUS, IRQ_ERROR);
    regs_.set(ERROR_CODE, cim_err::START_WHILE_BUSY);
    regs_.set(ERROR_INFO, kNoLayer);
    counters_.add(c_errors_);
    update_ev_.notify(mmio_delay_);
    SC_REPORT_WARNING("cimvp/cim_macro",
                      (std::string(name()) + ": START_WHILE_BUSY: CTRL written while busy: ignored").c_str());
    return;
  }
  want_run_ = (ctrl & CTRL_START) != 0;
  want_load_ = (ctrl & CTRL_LOAD) != 0;
  want_backward_ = (ctrl & CTRL_BACKWARD) != 0;
  want_update_ = (ctrl & CTRL_UPDATE) != 0;
  want_gradient_ = (ctrl & CTRL_GRADIENT) != 0;
  want_thresholds_ = (ctrl & CTRL_THRESHOLDS) != 0;
  want_keep_ = want_run_ && (ctrl & CTRL_KEEP) != 0;
  regs_.set_bits(STATUS, STATUS_BUSY);
  regs_.set(ERROR_CODE, cim_err::NONE);
  regs_.set(ERROR_INFO, kNoLayer);
  regs_.set(ERR_ADDR_LO, 0);
  regs_.set(ERR_ADDR_HI, 0);
  counters_.add(c_commands_);
  start_ev_.notify(mmio_delay_);
  update_ev_.notify(mmio_delay_);
}

// ---- signals -------------------------------------------------------------------------

void CimMacro::update_signals() {
  const bool level = (regs_.get(cim_reg::IRQ_STATUS) & regs_.get(cim_reg::IRQ_ENABLE)) != 0;
  if (level && !irq_level_) counters_.add(c_irqs_);
  irq_level_ = level;
  irq.write(level);
  busy.write((regs_.get(cim_reg::STATUS) & cim_bit::STATUS_BUSY) != 0);
  state.write(static_cast<std::uint32_t>(state_));
}

void CimMacro::enter(CimState s) {
  qk_.sync();
  state_ = s;
  regs_.set(cim_reg::STATE, static_cast<std::uint32_t>(s));
  for (CimStage* st : stages_) st->publish();
  update_ev_.notify(sc_core::SC_ZERO_TIME);
}

// ---- command thread ------------------------------------------------------------------

void CimMacro::run() {
  for (;;) {
    sc_core::wait(start_ev_);
    qk_.reset();
    started_at_ = sc_core::sc_time_stamp();
    qk_.inc(clock_ * static_cast<double>(config_.timing.start_cycles));
    // complete() waits (quantum sync): never from inside a catch handler, where another
    // coroutine's exceptions would corrupt the one being handled.
    Fault fault{cim_err::NONE, kNoLayer, 0, ""};
    try {
      if ((want_backward_ || want_update_ || want_keep_ || want_gradient_ || want_thresholds_) &&
          !config_.two_way.enabled)
        throw Fault{cim_err::NOT_TWO_WAY, kNoLayer, 0,
                    "BACKWARD / UPDATE / KEEP / GRADIENT / THRESHOLDS need a two-way array (cim.two_way.enabled)"};
      if (want_load_ || !loaded_) load_network();
      if (want_run_) run_batch();
      if (want_backward_) run_backward();
      if (want_gradient_) run_gradient();
      if (want_update_) run_update();
      if (want_thresholds_) run_thresholds();
    } catch (const Fault& f) {
      fault = f;
    } catch (const sc_core::sc_unwind_exception&) {
      throw;
    } catch (const sc_core::sc_report&) {
      throw;
    } catch (const std::exception& e) {
      fault = Fault{cim_err::INTERNAL, kNoLayer, 0, e.what()};
    }
    complete(fault.code == cim_err::NONE ? nullptr : &fault);
  }
}

void CimMacro::complete(const Fault* fault) {
  using namespace cim_reg;
  using namespace cim_bit;
  qk_.sync();  // status and irq at the exact completion time
  regs_.clear_bits(STATUS, STATUS_BUSY);
  if (fault == nullptr) {
    regs_.set_bits(STATUS, STATUS_DONE);
    regs_.set_bits(IRQ_STATUS, IRQ_DONE);
  } else {
    regs_.set_bits(STATUS, STATUS_ERROR);
    regs_.set_bits(IRQ_STATUS, IRQ_ERROR);
    regs_.set(ERROR_CODE, fault->code);
    regs_.set(ERROR_INFO, fault->layer);
    regs_.set(ERR_ADDR_LO, static_cast<std::uint32_t>(fault->addr));
    regs_.set(ERR_ADDR_HI, static_cast<std::uint32_t>(fault->addr >> 32));
    counters_.add(c_errors_);
  }
  state_ = CimState::idle;
  regs_.set(STATE, 0);
  for (CimStage* st : stages_) st->publish();
  counters_.add(c_busy_cycles_,
                static_cast<std::uint64_t>((sc_core::sc_time_stamp() - started_at_) / clock_));
  update_ev_.notify(sc_core::SC_ZERO_TIME);
  if (fault != nullptr) {
    std::ostringstream os;
    os << name() << ": " << cim_error_name(fault->code);
    if (fault->layer != kNoLayer) os << " (layer " << fault->layer << ")";
    os << ": " << fault->what;
    SC_REPORT_WARNING("cimvp/cim_macro", os.str().c_str());
  }
}

// ---- network loading -----------------------------------------------------------------

void CimMacro::load_network() {
  using namespace cim_reg;
  enter(CimState::load);
  const std::uint64_t generation = desc_generation_;
  loaded_ = false;
  regs_.clear_bits(STATUS, cim_bit::STATUS_LOADED);
  regs_.set(LAYERS, 0);
  regs_.set(SUBARRAYS, 0);
  layers_.clear();
  drive_port->clear();
  array_port->clear();
  sense_port->clear();
  acc_port->clear();
  vectors_since_load_ = 0;
  drop_applied_ = regs_.get(SUPPORT_DROP);  // the layers are programmed at this level
  counters_.add(c_loads_);

  const std::uint64_t desc = static_cast<std::uint64_t>(regs_.get(DESC_HI)) << 32 | regs_.get(DESC_LO);
  if (desc % 8 != 0) throw Fault{cim_err::MISALIGNED, kNoLayer, desc, "network header at " + hex(desc) + " is not 8-byte aligned"};
  std::uint8_t hdr[cim_desc::kHeaderBytes];
  bus_read(desc, hdr, sizeof hdr, kNoLayer);
  counters_.add(c_desc_bytes_, sizeof hdr);
  const DescriptorLimits limits = DescriptorLimits::of(config_);
  NetworkHeader header;
  try {
    header = decode_header(hdr, sizeof hdr, desc, limits);
  } catch (const DescriptorError& e) {
    throw Fault{e.code, e.layer, e.addr, e.what()};
  }
  const std::uint32_t n_layers = header.layers;

  std::vector<std::uint8_t> d(std::size_t{n_layers} * cim_desc::kLayerBytes);
  bus_read(desc + cim_desc::kHeaderBytes, d.data(), d.size(), kNoLayer);
  counters_.add(c_desc_bytes_, d.size());
  qk_.inc(clock_ * static_cast<double>(config_.timing.descriptor_cycles * n_layers));

  std::vector<LayerInfo> infos;
  std::uint64_t subarrays = 0;
  for (unsigned l = 0; l < n_layers; ++l) {
    infos.push_back(decode_layer(d.data() + std::size_t{l} * cim_desc::kLayerBytes, l, header,
                                 l == 0 ? 0 : static_cast<std::uint32_t>(infos.back().out_bits)));
    subarrays += std::uint64_t{infos.back().row_blocks} * infos.back().col_blocks;
    if (subarrays > config_.capacity_subarrays)
      throw Fault{cim_err::CAPACITY, l, 0,
                  "layers 0.." + std::to_string(l) + " need " + std::to_string(subarrays) + " sub-arrays of " +
                      std::to_string(config_.array.rows) + "x" + std::to_string(config_.array.cols) +
                      ", the macro has " + std::to_string(config_.capacity_subarrays)};
  }
  for (unsigned l = 0; l < n_layers; ++l) program_layer(l, infos[l]);

  layers_ = std::move(infos);
  const std::size_t T = config_.tile_vectors;
  const LayerInfo& first = layers_.front();
  planes_.assign(first.planes, std::vector<Word>(T * first.in_words, 0));
  std::size_t act_words = 1;
  for (std::size_t l = 1; l < layers_.size(); ++l) act_words = std::max(act_words, layers_[l].in_words);
  act_a_.assign(T * act_words, 0);
  act_b_.assign(T * act_words, 0);
  act_stride_ = act_words;
  // two-pass tiles: where each read's events go — reads in compute_tile's order (layer,
  // plane, row block), one entry per column block
  read_at_.clear();
  read_events_ = 0;
  for (const LayerInfo& L : layers_)
    for (unsigned p = 0; p < L.planes; ++p)
      for (unsigned rb = 0; rb < L.row_blocks; ++rb) {
        read_at_.push_back(read_events_);
        read_events_ += L.col_blocks;
      }
  regs_.set(LAYERS, n_layers);
  regs_.set(SUBARRAYS, static_cast<std::uint32_t>(subarrays));
  counters_.add(c_layers_, n_layers);
  if (generation == desc_generation_) {  // DESC not rewritten meanwhile
    loaded_ = true;
    regs_.set_bits(STATUS, cim_bit::STATUS_LOADED);
  }
}

CimMacro::LayerInfo CimMacro::decode_layer(const std::uint8_t* d, unsigned l, const NetworkHeader& header,
                                           std::uint32_t prev_outputs) const {
  LayerDescriptor D;
  try {
    D = cimvp::decode_layer(d, cim_desc::kLayerBytes, l, header, prev_outputs, DescriptorLimits::of(config_));
  } catch (const DescriptorError& e) {
    throw Fault{e.code, e.layer, e.addr, e.what()};
  }
  LayerInfo L;
  L.inputs = D.inputs;
  L.outputs = D.outputs;
  L.kind = D.input_kind;
  L.planes = D.planes;
  L.format = D.format;
  L.last = D.last;
  L.pixel_threshold = D.pixel_threshold;
  L.first_bit = D.first_bit;
  L.weights = D.weights;
  L.thresholds = D.thresholds;
  L.flips = D.flips;
  L.table = D.table;
  L.table_bytes = D.table_bytes;
  L.support_block = D.support_block;
  L.support_bits = D.support_bits;
  L.support_default = D.support_default;
  L.supports = D.supports;
  const unsigned R = config_.array.rows, C = config_.array.cols;
  L.row_blocks = (L.inputs + R - 1) / R;
  L.col_blocks = (L.outputs + C - 1) / C;
  L.layer_kind = D.kind;
  L.conv = D.conv;
  L.in_bits = D.input_size();
  L.out_bits = D.output_size();
  L.in_rows = D.is_conv() ? static_cast<unsigned>(kWordBits) : R;
  L.in_words = (L.in_bits + L.in_rows - 1) / L.in_rows * words_for_bits(L.in_rows);
  return L;
}

void CimMacro::program_layer(unsigned l, LayerInfo& L) {
  const std::uint32_t K = L.inputs, M = L.outputs;
  // Weights: M rows of ⌈K/64⌉ little-endian words, bit k = (W[j][k] == +1).
  const std::size_t row_bytes = words_for_bits(K) * 8;
  staging_.resize(std::size_t{M} * row_bytes);
  bus_read(L.weights, staging_.data(), staging_.size(), l);
  counters_.add(c_weight_bytes_, staging_.size());
  std::vector<std::int8_t> w(std::size_t{M} * K);
  for (std::uint32_t j = 0; j < M; ++j) {
    const std::uint8_t* row = staging_.data() + std::size_t{j} * row_bytes;
    std::int8_t* out = w.data() + std::size_t{j} * K;
    for (std::uint32_t k = 0; k < K; ++k) out[k] = ((row[k / 8] >> (k % 8)) & 1u) ? 1 : -1;
  }
  try {
    array_port->program_layer(l, K, M, L.kind, w.data());
  } catch (const std::invalid_argument& e) {
    throw Fault{cim_err::BAD_DESCRIPTOR, l, 0, e.what()};
  }
  // Supports: the codes go into the drive stage's support buffer (descriptor path).
  if (L.support_block != 0) {
    LayerSupports sup;
    sup.shape = SupportShape{K, M, L.support_block, L.support_bits};
    sup.default_code = L.support_default;
    sup.codes.resize(std::size_t{M} * sup.shape.blocks());
    bus_read(L.supports, sup.codes.data(), sup.codes.size(), l);
    counters_.add(c_support_bytes_, sup.codes.size());
    for (std::size_t i = 0; i < sup.codes.size(); ++i)
      if (sup.codes[i] > sup.shape.max_code())
        throw Fault{cim_err::BAD_DESCRIPTOR, l, L.supports + i,
                    "support code " + std::to_string(sup.codes[i]) + " at " + hex(L.supports + i) + ", expected 0.." +
                        std::to_string(sup.shape.max_code())};
    try {
      drive_port->program_layer(l, array_port->bank(l), &sup, regs_.get(cim_reg::SUPPORT_DROP));
    } catch (const std::invalid_argument& e) {
      throw Fault{cim_err::BAD_DESCRIPTOR, l, 0, e.what()};
    }
  } else {
    drive_port->program_layer(l, array_port->bank(l), nullptr, 0);
  }
  const auto segs = array_port->segments(l);
  L.max_segments = 0;
  for (const auto& s : segs) L.max_segments = std::max<unsigned>(L.max_segments, static_cast<unsigned>(s.size()));
  try {
    sense_port->program_layer(l, segs, L.col_blocks, L.planes, L.kind, drive_port->range(l));
  } catch (const std::invalid_argument& e) {
    throw Fault{cim_err::BAD_DESCRIPTOR, l, 0, e.what()};
  }
  if (config_.array.access != AccessMode::row_by_row) {
    if (L.table != 0) program_mlsa_table(l, L);
    if (!sense_port->ready(l))
      throw Fault{cim_err::NOT_CALIBRATED, l, 0, std::string(to_string(config_.sense.kind)) + " transfer functions need a calibrated reference table (" + (config_.sense.kind == SenseKind::mlsa ? "nonlinear MLSA" : "calibrated ADC full scale") + "; MLSA_TABLE is 0)"};
  }
  if (!L.last) {
    std::vector<std::uint8_t> thr(std::size_t{M} * 4), flips(M);
    bus_read(L.thresholds, thr.data(), thr.size(), l);
    bus_read(L.flips, flips.data(), flips.size(), l);
    counters_.add(c_weight_bytes_, thr.size() + flips.size());
    std::vector<std::int32_t> t(M);
    for (std::uint32_t j = 0; j < M; ++j) {
      t[j] = static_cast<std::int32_t>(le32(thr.data() + std::size_t{j} * 4));
      if (flips[j] > 1)
        throw Fault{cim_err::BAD_DESCRIPTOR, l, L.flips + j, "flip " + std::to_string(j) + " is " +
                                                                 std::to_string(flips[j]) + ", expected 0|1"};
    }
    acc_port->program_layer(l, K, M, L.row_blocks, L.planes, false, t.data(), flips.data());
  } else {
    acc_port->program_layer(l, K, M, L.row_blocks, L.planes, true, nullptr, nullptr);
  }
  // Programming writes every sub-array row once, one row per clock.
  qk_.inc(clock_ * static_cast<double>(std::uint64_t{K} * L.col_blocks));
}

void CimMacro::program_mlsa_table(unsigned l, const LayerInfo& L) {
  if (L.table_bytes > kMaxTableBytes)
    throw Fault{cim_err::BAD_MLSA_TABLE, l, L.table, std::to_string(L.table_bytes) + " table bytes (limit " +
                                                         std::to_string(kMaxTableBytes) + ")"};
  staging_.resize(L.table_bytes);
  bus_read(L.table, staging_.data(), staging_.size(), l);
  counters_.add(c_table_bytes_, staging_.size());
  const std::vector<std::vector<Segment>> segs = array_port->segments(l);
  // The codec parses the entries; the Mlsa checks them against its comparators.
  MlsaTableReader table(staging_.data(), staging_.size(), L.table, l);
  try {
    for (unsigned rb = 0; rb < L.row_blocks; ++rb) {
      for (unsigned plane = 0; plane < L.planes; ++plane) {
        std::vector<Quantizer> qs;
        for (std::size_t s = 0; s < segs[rb].size(); ++s)
          qs.push_back(table.next_quantizer(drive_range(segs[rb][s].rows, L.kind, drive_port->range(l)),
                                            "row block " + std::to_string(rb) + ", plane " + std::to_string(plane) +
                                                ", segment " + std::to_string(s)));
        try {
          sense_port->program(l, rb, plane, std::move(qs));
        } catch (const std::invalid_argument& e) {
          throw table.error("row block " + std::to_string(rb) + ", plane " + std::to_string(plane) + ": " + e.what());
        }
      }
    }
    table.finish();
  } catch (const DescriptorError& e) {
    throw Fault{e.code, e.layer, e.addr, e.what()};
  }
}

// ---- batches -------------------------------------------------------------------------

void CimMacro::apply_drop_level() {
  const unsigned level = regs_.get(cim_reg::SUPPORT_DROP);
  if (level == drop_applied_) return;
  for (unsigned l = 0; l < layers_.size(); ++l) drive_port->set_drop_level(l, array_port->bank(l), level);
  drop_applied_ = level;
  counters_.add(c_drop_changes_);
}

void CimMacro::run_batch() {
  using namespace cim_reg;
  const std::uint64_t N = regs_.get(BATCH);
  if (N == 0) throw Fault{cim_err::BAD_BATCH, kNoLayer, 0, "BATCH is 0"};
  apply_drop_level();
  const LayerInfo& first = layers_.front();
  const std::uint32_t M = layers_.back().outputs;
  const std::uint64_t vb = cim_input_bytes(first.format, static_cast<std::uint32_t>(first.in_bits));
  const std::uint64_t in = static_cast<std::uint64_t>(regs_.get(INPUT_HI)) << 32 | regs_.get(INPUT_LO);
  const std::uint64_t out = static_cast<std::uint64_t>(regs_.get(OUTPUT_HI)) << 32 | regs_.get(OUTPUT_LO);
  if (first.format == InputFormat::packed_bits && in % 8 != 0)
    throw Fault{cim_err::MISALIGNED, kNoLayer, in, "packed input vectors at " + hex(in) + " are not 8-byte aligned"};
  if (out % 4 != 0) throw Fault{cim_err::MISALIGNED, kNoLayer, out, "output sums at " + hex(out) + " are not 4-byte aligned"};
  const std::uint64_t out_vb = std::uint64_t{M} * 4;
  if (in + N * vb - 1 < in || out + N * out_vb - 1 < out)
    throw Fault{cim_err::BAD_BATCH, kNoLayer, 0, std::to_string(N) + " vectors wrap the address space"};
  if (want_keep_) {
    for (unsigned l = 0; l < layers_.size(); ++l)
      if (layers_[l].is_conv())
        throw Fault{cim_err::BAD_TRAINING, l, 0, "START|KEEP: the sums of a conv layer are not kept (dense layers only)"};
    const std::uint64_t keep = static_cast<std::uint64_t>(regs_.get(KEEP_HI)) << 32 | regs_.get(KEEP_LO);
    std::uint64_t all = 0;
    for (const LayerInfo& L : layers_) all += std::uint64_t{L.outputs} * 4;
    if (keep % 4 != 0) throw Fault{cim_err::MISALIGNED, kNoLayer, keep, "kept sums at " + hex(keep) + " are not 4-byte aligned"};
    if (keep + N * all - 1 < keep)
      throw Fault{cim_err::BAD_BATCH, kNoLayer, 0, std::to_string(N) + " vectors of kept sums wrap the address space"};
  }
  const std::uint32_t io = regs_.get(IO_MODE);
  in_buffer_ = (io & cim_bit::IO_INPUT_BUFFER) != 0;
  out_buffer_ = (io & cim_bit::IO_OUTPUT_BUFFER) != 0;
  const ActivationBufferConfig& ab = buffer_port->layout();
  if (want_keep_ && out_buffer_) {  // KEEP is an output-buffer offset too (IO_OUTPUT_BUFFER)
    const std::uint64_t keep = static_cast<std::uint64_t>(regs_.get(KEEP_HI)) << 32 | regs_.get(KEEP_LO);
    std::uint64_t all = 0;
    for (const LayerInfo& L : layers_) all += std::uint64_t{L.outputs} * 4;
    const std::uint64_t lo = ab.output_offset(0), hi = ab.window_bytes();
    if (keep < lo || keep > hi || N * all > hi - keep)
      throw Fault{cim_err::BAD_BUFFER, kNoLayer, keep,
                  std::to_string(N) + " vectors of kept sums at buffer offset " + hex(keep) + " leave the output halves"};
  }
  const auto outside = [](std::uint64_t at, std::uint64_t len, std::uint64_t lo, std::uint64_t hi) {
    return at < lo || at > hi || len > hi - at;  // [at, at + len) not inside [lo, hi)
  };
  if (in_buffer_ && outside(in, N * vb, ab.input_offset(0), ab.output_offset(0)))
    throw Fault{cim_err::BAD_BUFFER, kNoLayer, in,
                std::to_string(N) + " input vectors of " + std::to_string(vb) + " bytes at buffer offset " + hex(in) +
                    " leave the input halves [0, " + hex(ab.output_offset(0)) + ")"};
  if (out_buffer_ && outside(out, N * out_vb, ab.output_offset(0), ab.window_bytes()))
    throw Fault{cim_err::BAD_BUFFER, kNoLayer, out,
                std::to_string(N) + " output vectors of " + std::to_string(out_vb) + " bytes at buffer offset " +
                    hex(out) + " leave the output halves [" + hex(ab.output_offset(0)) + ", " +
                    hex(ab.window_bytes()) + ")"};
  regs_.set(DONE_COUNT, 0);
  counters_.add(c_batches_);
  const std::uint64_t T = config_.tile_vectors;
  const std::uint64_t tiles = (N + T - 1) / T;
  const auto tile_n = [&](std::uint64_t i) { return static_cast<std::size_t>(std::min<std::uint64_t>(T, N - i * T)); };
  const auto fetch = [&](std::uint64_t i) {
    std::vector<std::uint8_t>& raw = tile_in_[i & 1];
    raw.resize(tile_n(i) * vb);
    input_read(in + i * T * vb, raw.data(), raw.size());
    counters_.add(c_input_bytes_, raw.size());
  };
  // the input bit planes of a tile are written before it is computed (compute_tile encodes)
  const auto count_input = [&](std::uint64_t i) {
    counters_.add(c_buf_written_, std::uint64_t{tile_n(i)} * first.in_bits * first.planes);
  };
  const auto write_back = [&](std::uint64_t i) {  // out_bytes_ holds tile i's sums
    output_write(out + i * T * out_vb, out_bytes_.data(), out_bytes_.size());
    counters_.add(c_output_bytes_, out_bytes_.size());
    counters_.add(c_buf_read_, out_bytes_.size() * 8);
    counters_.add(c_tiles_);
    counters_.add(c_vectors_, tile_n(i));
    regs_.set(DONE_COUNT, static_cast<std::uint32_t>(i * T + tile_n(i)));
  };
  // Double-buffered input and output buffers: while tile i computes, the master writes back
  // tile i-1's sums and fetches tile i+1; the bus and the compute run at the same time.
  enter(CimState::input);
  fetch(0);
  count_input(0);
  for (std::uint64_t i = 0; i < tiles; ++i) {
    enter(CimState::compute);
    const sc_core::sc_time t0 = qk_.get_local_time();
    if (i > 0) write_back(i - 1);
    if (i + 1 < tiles) fetch(i + 1);
    const sc_core::sc_time bus = qk_.get_local_time() - t0;
    const std::size_t n = tile_n(i);
    const std::uint64_t first_vector = vectors_since_load_;
    const sc_core::sc_time compute = compute_tile(n, sc_core::sc_time_stamp() + t0, tile_in_[i & 1].data());
    qk_.set(t0 + std::max(bus, compute));
    if (timeline.enabled())
      tile_times_.push_back(TileTime{first_vector, n, sc_core::sc_time_stamp() + t0,
                                     sc_core::sc_time_stamp() + qk_.get_local_time()});
    if (want_keep_) {  // every layer's sums, layer-major: layer l at KEEP + 4·N·Σ_{l'<l} M_l'
      const std::uint64_t keep = static_cast<std::uint64_t>(regs_.get(KEEP_HI)) << 32 | regs_.get(KEEP_LO);
      std::uint64_t base = keep;
      std::vector<std::uint8_t> bytes;
      for (std::size_t l = 0; l < layers_.size(); ++l) {
        const std::uint64_t Ml = layers_[l].outputs;
        bytes.resize(kept_[l].size() * 4);
        for (std::size_t k = 0; k < kept_[l].size(); ++k) {
          const auto v = static_cast<std::uint32_t>(kept_[l][k]);
          for (int b = 0; b < 4; ++b) bytes[k * 4 + b] = static_cast<std::uint8_t>(v >> (8 * b));
        }
        output_write(base + i * T * Ml * 4, bytes.data(), bytes.size());  // bus, or buffer (IO_OUTPUT_BUFFER)
        counters_.add(c_keep_bytes_, bytes.size());
        base += N * Ml * 4;
      }
    }
    const std::int32_t* sums = acc_port->sums();
    out_bytes_.resize(n * out_vb);
    for (std::size_t k = 0; k < n * M; ++k) {
      const auto v = static_cast<std::uint32_t>(sums[k]);
      for (int b = 0; b < 4; ++b) out_bytes_[k * 4 + b] = static_cast<std::uint8_t>(v >> (8 * b));
    }
    counters_.add(c_buf_written_, out_bytes_.size() * 8);
    if (i + 1 < tiles) count_input(i + 1);
  }
  enter(CimState::output);
  write_back(tiles - 1);
}

void CimMacro::encode_input(const LayerInfo& L, const std::uint8_t* raw, std::size_t v0, std::size_t v1) {
  // The on-chip layout of the first layer's input: R-row blocks (dense) or a plain map (conv).
  const unsigned R = L.in_rows;
  const std::size_t W = L.in_words, wpb = words_for_bits(R);
  const auto K = static_cast<std::uint32_t>(L.in_bits);
  const unsigned row_blocks = (K + R - 1) / R;
  const bool aligned = R % kWordBits == 0;  // blocked layout == plain packing
  for (unsigned p = 0; p < L.planes; ++p)
    std::fill(planes_[p].begin() + static_cast<std::ptrdiff_t>(v0 * W),
              planes_[p].begin() + static_cast<std::ptrdiff_t>(v1 * W), Word{0});
  if (L.format == InputFormat::packed_bits) {
    const std::size_t src_words = words_for_bits(K);
    std::vector<Word> v(src_words);
    for (std::size_t i = v0; i < v1; ++i) {
      const std::uint8_t* b = raw + i * src_words * 8;
      for (std::size_t w = 0; w < src_words; ++w) v[w] = le64(b + w * 8);
      if (src_words > 0) v[src_words - 1] &= low_mask(static_cast<unsigned>(K - (src_words - 1) * kWordBits));
      Word* o = planes_[0].data() + i * W;
      for (unsigned rb = 0; rb < row_blocks; ++rb)
        copy_bits(v.data(), std::size_t{rb} * R, std::min<std::size_t>(R, K - std::size_t{rb} * R), o + rb * wpb);
    }
    return;
  }
  // Pixels: binarized (pixel >= threshold) or bit planes (pixel bit first_bit + p).
  const bool binarized = L.format == InputFormat::pixels_binarized;
  const unsigned thr = L.pixel_threshold;
  for (unsigned p = 0; p < L.planes; ++p) {
    const unsigned bit = L.first_bit + p;
    for (std::size_t i = v0; i < v1; ++i) {
      const std::uint8_t* px = raw + i * K;
      Word* o = planes_[p].data() + i * W;
      if (aligned) {
        for (std::uint32_t k0 = 0; k0 < K; k0 += kWordBits) {
          const std::uint32_t e = std::min<std::uint32_t>(K, k0 + kWordBits);
          o[k0 / kWordBits] = binarized ? threshold_word(px + k0, e - k0, thr) : bit_plane_word(px + k0, e - k0, bit);
        }
      } else {
        unsigned rb = 0, r = 0;
        for (std::uint32_t k = 0; k < K; ++k) {
          const bool on = binarized ? px[k] >= thr : ((px[k] >> bit) & 1u) != 0;
          o[rb * wpb + r / kWordBits] |= static_cast<Word>(on) << (r % kWordBits);
          if (++r == R) {
            r = 0;
            ++rb;
          }
        }
      }
    }
  }
}

void CimMacro::add_layer_time(unsigned l, const sc_core::sc_time& d) {
  if (layer_stats_.size() <= l) layer_stats_.resize(l + 1);
  layer_stats_[l].compute += d;
  layer_stats_[l].read += d;
}

std::uint64_t CimMacro::stage_count(const char* counter) const {
  std::uint64_t sum = 0;
  for (const CimStage* st : stages_)
    for (const auto& [name, value] : st->counters().values())
      if (name == counter) sum += value;
  return sum;
}

bool CimMacro::two_pass(std::size_t n) const {
  if (pool_ == nullptr || n < 2 || want_keep_) return false;
  // the column trace reads the sums after every row block, which pass 2 does not recompute
  if (config_.trace_column.enabled && timeline.enabled()) return false;
  for (unsigned l = 0; l < layers_.size(); ++l)
    if (layers_[l].is_conv() || !array_port->splits_reads(l)) return false;
  return true;
}

const ArrayActivity* CimMacro::evaluate_tile(std::size_t n, const std::uint8_t* raw) {
  // one record of every read's events (read_at_) per vector block
  const std::size_t per_block = read_events_;
  // At least two vector blocks per thread (a thread that finishes early takes another's
  // last block; ThreadPool) of at most 32 vectors (a column block's sums of a block, 32 ×
  // 64 × 4 bytes, stay in the first-level cache), but not below 8 vectors unless the tile is.
  const std::size_t blocks = std::min<std::size_t>(std::max<std::size_t>(2 * pool_->threads(), (n + 31) / 32),
                                                   std::max<std::size_t>(1, n / 8));
  tile_acts_.assign((blocks + 1) * per_block, ArrayActivity{});
  acc_port->reserve(n);
  cim_array_if* const array = array_port.operator->();
  cim_accumulate_if* const acc = acc_port.operator->();
  const unsigned R = config_.array.rows;
  const std::size_t wpb = words_for_bits(R);
  const std::uint64_t first_vector = vectors_since_load_;
  pool_->parallel_for(blocks, [&](std::size_t bk) {
    const std::size_t v0 = n * bk / blocks, v1 = n * (bk + 1) / blocks;
    ArrayActivity* acts = tile_acts_.data() + bk * per_block;
    encode_input(layers_.front(), raw, v0, v1);
    // Activations at one row stride for every layer (the widest layer's words): tasks in
    // different layers at once use the same two buffers, and with each layer's own stride
    // the rows of one task's vectors would overlap another's.
    const Word* in = nullptr;
    Word* out = act_a_.data();
    Word* spare = act_b_.data();
    std::size_t r0 = 0;  // the layer's first read
    for (unsigned l = 0; l < layers_.size(); ++l) {
      const LayerInfo& L = layers_[l];
      acc->clear_range(l, n, v0, v1);
      // column block by column block: its sums for the block's vectors stay in the core's
      // first-level cache over all the layer's reads (integer sums: any order, same result)
      for (unsigned cb = 0; cb < L.col_blocks; ++cb) {
        std::size_t r = r0;
        for (unsigned p = 0; p < L.planes; ++p) {
          const Word* x = l == 0 ? planes_[p].data() : in;
          for (unsigned rb = 0; rb < L.row_blocks; ++rb, ++r)
            array->evaluate(ArrayRead{l, rb, p, x + rb * wpb, l == 0 ? L.in_words : act_stride_, n, first_vector},
                            v0, v1, cb, cb + 1, acts + read_at_[r]);
        }
      }
      r0 += std::size_t{L.planes} * L.row_blocks;
      if (!L.last) {
        acc->activate_range(l, n, v0, v1, out, act_stride_, layers_[l + 1].in_rows);
        in = out;
        std::swap(out, spare);
      }
    }
  });
  // the events of every read, summed over the vector blocks in block order (integers)
  ArrayActivity* sum = tile_acts_.data() + blocks * per_block;
  for (std::size_t bk = 0; bk < blocks; ++bk)
    for (std::size_t k = 0; k < per_block; ++k) sum[k] += tile_acts_[bk * per_block + k];
  return sum;
}

sc_core::sc_time CimMacro::compute_tile(std::size_t n, const sc_core::sc_time& start, const std::uint8_t* raw) {
  // Two-pass tiles compute everything in pass 1 (evaluate_tile); the loop below is then pass
  // 2, the same calls for the whole tile with only their bookkeeping (latency, counters,
  // waveforms), so results are those of the one-pass loop.
  const bool split = two_pass(n);
  const ArrayActivity* summed = nullptr;  // pass 2: read r's events at summed + read_at_[r]
  if (split)
    summed = evaluate_tile(n, raw);
  else
    encode_input(layers_.front(), raw, 0, n);
  const bool detail = timeline.enabled();
  if (detail) {
    timeline.at(start, vector, vectors_since_load_);
    timeline.at(start, tile_vectors, static_cast<std::uint32_t>(n));
  }
  const unsigned R = config_.array.rows;
  const std::size_t wpb = words_for_bits(R);
  const Word* in = nullptr;
  Word* out = act_a_.data();
  Word* spare = act_b_.data();
  sc_core::sc_time total = sc_core::SC_ZERO_TIME;
  std::size_t r = 0;  // reads so far (two-pass tiles: the index into read_at_)
  if (layer_stats_.size() < layers_.size()) layer_stats_.resize(layers_.size());
  for (unsigned l = 0; l < layers_.size(); ++l) {
    const LayerInfo& L = layers_[l];
    if (L.is_conv()) {  // windows as vectors of the same read path (cim_macro_conv.cpp); never last
      sc_core::sc_time d_read = sc_core::SC_ZERO_TIME;
      const sc_core::sc_time d = compute_conv_layer(l, n, in, out, start + total, d_read);
      in = out;
      std::swap(out, spare);
      layer_stats_[l].compute += d;
      layer_stats_[l].read += d_read;
      total += d;
      continue;
    }
    sc_core::sc_time d_layer = sc_core::SC_ZERO_TIME;
    // buffers: the layer's input bits are read once per plane; its outputs are written
    counters_.add(c_buf_read_, std::uint64_t{n} * L.inputs * L.planes);
    if (!L.last) counters_.add(c_buf_written_, std::uint64_t{n} * L.outputs);
    if (split)
      acc_port->resume(l, n);  // pass 1 computed the sums
    else
      acc_port->begin(l, n);
    // the chosen column (waveforms only): vector 0 of the tile, column c of the layer
    const CimMacroConfig::TraceColumn& tc = config_.trace_column;
    const bool col_trace = detail && tc.enabled && tc.layer == l && tc.column < L.outputs && n > 0;
    std::vector<std::int32_t> col_sums(col_trace ? L.row_blocks : 0);
    for (unsigned p = 0; p < L.planes; ++p) {
      const Word* x = l == 0 ? planes_[p].data() : in;
      sc_core::sc_time d_plane = sc_core::SC_ZERO_TIME;  // row blocks are read at the same time
      const std::uint64_t wl0 = detail ? stage_count("wordline_activations") : 0;
      const std::uint64_t cv0 = detail ? stage_count("conversions") : 0;
      std::int32_t col_before = col_trace ? acc_port->sums()[tc.column] : 0;
      for (unsigned rb = 0; rb < L.row_blocks; ++rb) {
        sc_core::sc_time d = sc_core::SC_ZERO_TIME;
        const ArrayRead read{l, rb, p, x + rb * wpb, L.in_words, n, vectors_since_load_};
        if (split)
          array_port->account(read, summed + read_at_[r++], d);
        else
          array_port->read(read, d);
        d_plane = std::max(d_plane, d);
        if (col_trace) col_sums[rb] = acc_port->sums()[tc.column];  // after this row block's levels
      }
      const sc_core::sc_time at = start + total + d_layer;
      if (detail) {
        timeline.at(at, layer, static_cast<std::uint32_t>(l));
        timeline.at(at, plane, static_cast<std::uint32_t>(p));
        timeline.at(at, read_wordlines, stage_count("wordline_activations") - wl0);
        timeline.at(at, read_conversions, stage_count("conversions") - cv0);
      }
      if (col_trace) {
        for (unsigned rb = 0; rb < L.row_blocks; ++rb) {
          // the accumulator adds 2^p × the level (AccumulatorTarget::shift = plane): exact division
          const std::int32_t level = (col_sums[rb] - col_before) / (std::int32_t{1} << p);
          col_before = col_sums[rb];
          const sc_core::sc_time t = at + d_plane * (static_cast<double>(rb) / L.row_blocks);
          timeline.at(t, row_block, static_cast<std::uint32_t>(rb));
          timeline.at(t, column_sensed, level);
          timeline.at(t, column_sum, col_sums[rb]);
        }
        // end of the plane's reads (the next plane's row block 0 follows at the same time)
        timeline.at(at + d_plane, row_block, kNoTraceLayer);
      }
      d_layer += d_plane;  // bit planes one after the other
    }
    const sc_core::sc_time d_read = d_layer;
    if (split) {
      acc_port->finish_accounting(d_layer);
      if (!L.last) {
        in = out;
        std::swap(out, spare);
      }
    } else if (L.last) {
      acc_port->finish(nullptr, 0, R, d_layer);
    } else {
      acc_port->finish(out, layers_[l + 1].in_words, layers_[l + 1].in_rows, d_layer);
      in = out;
      std::swap(out, spare);
    }
    if (want_keep_) {
      if (kept_.size() < layers_.size()) kept_.resize(layers_.size());
      kept_[l].assign(acc_port->sums(), acc_port->sums() + n * L.outputs);
    }
    layer_stats_[l].compute += d_layer;
    layer_stats_[l].read += d_read;
    total += d_layer;
  }
  if (detail) {
    timeline.at(start + total, layer, kNoTraceLayer);
    timeline.at(start + total, read_wordlines, std::uint64_t{0});
    timeline.at(start + total, read_conversions, std::uint64_t{0});
  }
  vectors_since_load_ += n;
  return total;
}

// ---- training (two-way array) ------------------------------------------------------------

unsigned CimMacro::train_layer() const {
  const std::uint32_t l = regs_.get(cim_reg::TRAIN_LAYER);
  if (l >= layers_.size())
    throw Fault{cim_err::BAD_TRAINING, l, 0,
                "TRAIN_LAYER " + std::to_string(l) + " of a network with " + std::to_string(layers_.size()) + " layers"};
  if (layers_[l].is_conv())
    throw Fault{cim_err::BAD_TRAINING, l, 0, "TRAIN_LAYER " + std::to_string(l) + " is a conv layer (BACKWARD / UPDATE / GRADIENT: dense layers only)"};
  return l;
}

void CimMacro::run_backward() {
  using namespace cim_reg;
  const unsigned l = train_layer();
  const LayerInfo& L = layers_[l];
  const std::uint64_t N = regs_.get(BATCH);
  if (N == 0) throw Fault{cim_err::BAD_BATCH, l, 0, "BATCH is 0"};
  const unsigned bits = regs_.get(ERROR_BITS);
  const std::uint64_t in = static_cast<std::uint64_t>(regs_.get(INPUT_HI)) << 32 | regs_.get(INPUT_LO);
  const std::uint64_t out = static_cast<std::uint64_t>(regs_.get(OUTPUT_HI)) << 32 | regs_.get(OUTPUT_LO);
  const std::uint32_t K = L.inputs, M = L.outputs;
  if (out % 4 != 0) throw Fault{cim_err::MISALIGNED, l, out, "back-propagated sums at " + hex(out) + " are not 4-byte aligned"};
  if (in + N * M - 1 < in || out + N * K * 4 - 1 < out)
    throw Fault{cim_err::BAD_BATCH, l, 0, std::to_string(N) + " vectors wrap the address space"};
  const std::uint32_t io = regs_.get(IO_MODE);
  in_buffer_ = (io & cim_bit::IO_INPUT_BUFFER) != 0;
  out_buffer_ = (io & cim_bit::IO_OUTPUT_BUFFER) != 0;
  regs_.set(DONE_COUNT, 0);
  enter(CimState::backward);
  const std::uint64_t T = config_.tile_vectors;
  std::vector<std::int32_t> e;
  std::vector<std::int64_t> sums;
  for (std::uint64_t i0 = 0; i0 < N; i0 += T) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(T, N - i0));
    read_errors(l, in + i0 * M, n * M, bits, e);
    sums.assign(n * K, 0);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    array_port->read_transposed(TransposedArrayRead{l, e.data(), n, bits, sums.data()}, d);
    qk_.inc(d);
    add_layer_time(l, d);  // the macro computes during backward reads too (macro active time)
    out_bytes_.resize(n * K * 4);
    for (std::size_t k = 0; k < sums.size(); ++k) {
      const auto v = static_cast<std::uint32_t>(static_cast<std::int32_t>(sums[k]));
      for (int b = 0; b < 4; ++b) out_bytes_[k * 4 + b] = static_cast<std::uint8_t>(v >> (8 * b));
    }
    output_write(out + i0 * K * 4, out_bytes_.data(), out_bytes_.size());
    counters_.add(c_output_bytes_, out_bytes_.size());
    counters_.add(c_backward_vectors_, n);
    regs_.set(DONE_COUNT, static_cast<std::uint32_t>(i0 + n));
  }
}

void CimMacro::read_errors(unsigned l, std::uint64_t addr, std::size_t count, unsigned bits,
                           std::vector<std::int32_t>& e) {
  staging_.resize(count);
  input_read(addr, staging_.data(), count);
  counters_.add(c_error_bytes_, count);
  e.resize(count);
  const int lo = error_min(bits), hi = error_max(bits);
  for (std::size_t k = 0; k < count; ++k) {
    e[k] = static_cast<std::int8_t>(staging_[k]);
    if (e[k] < lo || e[k] > hi)
      throw Fault{cim_err::BAD_TRAINING, l, addr + k,
                  "error " + std::to_string(e[k]) + " does not fit ERROR_BITS = " + std::to_string(bits) +
                      " (two's complement [" + std::to_string(lo) + ", " + std::to_string(hi) + "])"};
  }
}

void CimMacro::run_gradient() {
  using namespace cim_reg;
  const unsigned l = train_layer();
  const LayerInfo& L = layers_[l];
  const std::uint64_t N = regs_.get(BATCH);
  if (N == 0) throw Fault{cim_err::BAD_BATCH, l, 0, "BATCH is 0"};
  const unsigned bits = regs_.get(ERROR_BITS);
  const std::uint64_t in = static_cast<std::uint64_t>(regs_.get(INPUT_HI)) << 32 | regs_.get(INPUT_LO);
  const std::uint64_t act = static_cast<std::uint64_t>(regs_.get(ACT_HI)) << 32 | regs_.get(ACT_LO);
  const std::uint64_t out = static_cast<std::uint64_t>(regs_.get(OUTPUT_HI)) << 32 | regs_.get(OUTPUT_LO);
  const std::uint32_t K = L.inputs, M = L.outputs;
  const std::uint32_t j0 = regs_.get(GRAD_FIRST);
  if (j0 >= M)
    throw Fault{cim_err::BAD_TRAINING, l, 0,
                "GRAD_FIRST " + std::to_string(j0) + " of a layer with " + std::to_string(M) + " neurons"};
  const std::uint32_t rows = regs_.get(GRAD_COUNT) == 0 ? M - j0 : regs_.get(GRAD_COUNT);
  if (rows > M - j0)
    throw Fault{cim_err::BAD_TRAINING, l, 0,
                "GRAD_FIRST " + std::to_string(j0) + " + GRAD_COUNT " + std::to_string(rows) + " > " +
                    std::to_string(M) + " neurons"};
  if (act % 2 != 0) throw Fault{cim_err::MISALIGNED, l, act, "layer inputs at " + hex(act) + " are not 2-byte aligned"};
  if (out % 4 != 0) throw Fault{cim_err::MISALIGNED, l, out, "gradients at " + hex(out) + " are not 4-byte aligned"};
  if (in + N * M - 1 < in || act + N * K * 2 - 1 < act || out + std::uint64_t{rows} * K * 4 - 1 < out)
    throw Fault{cim_err::BAD_BATCH, l, 0, std::to_string(N) + " vectors wrap the address space"};
  const std::uint32_t io = regs_.get(IO_MODE);
  in_buffer_ = (io & cim_bit::IO_INPUT_BUFFER) != 0;
  out_buffer_ = (io & cim_bit::IO_OUTPUT_BUFFER) != 0;
  regs_.set(DONE_COUNT, 0);
  enter(CimState::gradient);
  // multiplier width of the inputs: b-bit unsigned planes (bit-serial first layer) or ±1 / 0/1
  const unsigned x_bits = L.kind == InputKind::unipolar ? L.planes : 1u;
  const std::uint64_t T = config_.tile_vectors;
  std::vector<std::int32_t> e;
  std::vector<std::int16_t> x;
  std::vector<std::int64_t> acc(std::size_t{rows} * K, 0);
  for (std::uint64_t i0 = 0; i0 < N; i0 += T) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(T, N - i0));
    read_errors(l, in + i0 * M, n * M, bits, e);
    staging_.resize(n * K * 2);
    input_read(act + i0 * K * 2, staging_.data(), staging_.size());
    counters_.add(c_act_bytes_, staging_.size());
    x.resize(n * K);
    for (std::size_t q = 0; q < x.size(); ++q)
      x[q] = static_cast<std::int16_t>(static_cast<std::uint16_t>(staging_[2 * q] | staging_[2 * q + 1] << 8));
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    gradient_unit->accumulate(e.data(), M, j0, rows, x.data(), K, n, x_bits, bits, acc.data(), d);
    qk_.inc(d);
    add_layer_time(l, d);
    counters_.add(c_gradient_vectors_, n);
    regs_.set(DONE_COUNT, static_cast<std::uint32_t>(i0 + n));
  }
  out_bytes_.resize(acc.size() * 4);
  for (std::size_t q = 0; q < acc.size(); ++q) {
    if (acc[q] < INT32_MIN || acc[q] > INT32_MAX)
      throw Fault{cim_err::BAD_TRAINING, l, out + q * 4,
                  "gradient G[" + std::to_string(j0 + q / K) + "][" + std::to_string(q % K) + "] = " +
                      std::to_string(acc[q]) + " overflows its int32 accumulator"};
    const auto v = static_cast<std::uint32_t>(static_cast<std::int32_t>(acc[q]));
    for (int b = 0; b < 4; ++b) out_bytes_[q * 4 + b] = static_cast<std::uint8_t>(v >> (8 * b));
  }
  output_write(out, out_bytes_.data(), out_bytes_.size());
  counters_.add(c_output_bytes_, out_bytes_.size());
  counters_.add(c_gradient_bytes_, out_bytes_.size());
}

void CimMacro::run_update() {
  using namespace cim_reg;
  const unsigned l = train_layer();
  const LayerInfo& L = layers_[l];
  const std::uint64_t N = regs_.get(BATCH);
  if (N == 0) throw Fault{cim_err::BAD_BATCH, l, 0, "BATCH is 0 (row records)"};
  const std::uint64_t in = static_cast<std::uint64_t>(regs_.get(INPUT_HI)) << 32 | regs_.get(INPUT_LO);
  const std::uint32_t M = L.outputs;
  const std::uint64_t rec = cim_update_record_bytes(M);
  if (in % 8 != 0) throw Fault{cim_err::MISALIGNED, l, in, "row records at " + hex(in) + " are not 8-byte aligned"};
  if (in + N * rec - 1 < in) throw Fault{cim_err::BAD_BATCH, l, 0, std::to_string(N) + " records wrap the address space"};
  in_buffer_ = (regs_.get(IO_MODE) & cim_bit::IO_INPUT_BUFFER) != 0;
  regs_.set(CELLS_WRITTEN, 0);
  enter(CimState::update);
  std::vector<std::int8_t> column(M);
  std::uint64_t written = 0;
  staging_.resize(rec);
  for (std::uint64_t r = 0; r < N; ++r) {
    const std::uint64_t at = in + r * rec;
    input_read(at, staging_.data(), rec);
    counters_.add(c_weight_bytes_, rec);
    const std::uint32_t k = le32(staging_.data()), reserved = le32(staging_.data() + 4);
    if (k >= L.inputs || reserved != 0)
      throw Fault{cim_err::BAD_TRAINING, l, at,
                  "row record " + std::to_string(r) + ": input " + std::to_string(k) + " (layer has " +
                      std::to_string(L.inputs) + "), reserved " + std::to_string(reserved) + " (must be 0)"};
    for (std::uint32_t j = 0; j < M; ++j)
      column[j] = (le64(staging_.data() + 8 + (j / 64) * 8) >> (j % 64)) & 1u ? 1 : -1;
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    written += array_port->write_row(l, k, column.data(), d).cells_written;
    qk_.inc(d);
    add_layer_time(l, d);
    counters_.add(c_update_records_);
    regs_.set(DONE_COUNT, static_cast<std::uint32_t>(r + 1));
  }
  regs_.set(CELLS_WRITTEN, static_cast<std::uint32_t>(std::min<std::uint64_t>(written, 0xFFFFFFFFu)));
}

void CimMacro::run_thresholds() {
  using namespace cim_reg;
  const unsigned l = train_layer();
  const LayerInfo& L = layers_[l];
  if (L.last)
    throw Fault{cim_err::BAD_TRAINING, l, 0,
                "THRESHOLDS of layer " + std::to_string(l) + ", the last layer (it has no thresholds)"};
  const std::uint64_t in = static_cast<std::uint64_t>(regs_.get(INPUT_HI)) << 32 | regs_.get(INPUT_LO);
  const std::uint32_t M = L.outputs;
  if (in % 4 != 0) throw Fault{cim_err::MISALIGNED, l, in, "thresholds at " + hex(in) + " are not 4-byte aligned"};
  if (in + std::uint64_t{M} * 4 - 1 < in) throw Fault{cim_err::BAD_BATCH, l, 0, "the thresholds wrap the address space"};
  in_buffer_ = (regs_.get(IO_MODE) & cim_bit::IO_INPUT_BUFFER) != 0;
  regs_.set(DONE_COUNT, 0);
  enter(CimState::thresholds);
  staging_.resize(std::size_t{M} * 4);
  input_read(in, staging_.data(), staging_.size());
  std::vector<std::int32_t> t(M);
  for (std::uint32_t j = 0; j < M; ++j) t[j] = static_cast<std::int32_t>(le32(staging_.data() + std::size_t{j} * 4));
  acc_port->write_thresholds(l, t.data());
  // one 32-bit threshold register written per macro clock
  const sc_core::sc_time d = clock_ * static_cast<double>(M);
  qk_.inc(d);
  add_layer_time(l, d);
  counters_.add(c_threshold_commands_);
  counters_.add(c_threshold_bytes_, staging_.size());
  regs_.set(DONE_COUNT, M);
}

// ---- batch inputs and outputs: activation buffer or bus --------------------------------

void CimMacro::input_read(std::uint64_t addr, void* dst, std::size_t len) {
  if (!in_buffer_) return bus_read(addr, dst, len, 0);
  sc_core::sc_time d = qk_.get_local_time();
  if (!buffer_port->macro_read(addr, dst, len, d))
    throw Fault{cim_err::BAD_BUFFER, 0, addr, "input read of " + std::to_string(len) + " bytes at buffer offset " + hex(addr)};
  qk_.set(d);
}

void CimMacro::output_write(std::uint64_t addr, const void* src, std::size_t len) {
  if (!out_buffer_) return bus_write(addr, src, len);
  sc_core::sc_time d = qk_.get_local_time();
  if (!buffer_port->macro_write(addr, src, len, d))
    throw Fault{cim_err::BAD_BUFFER, kNoLayer, addr,
                "output write of " + std::to_string(len) + " bytes at buffer offset " + hex(addr)};
  qk_.set(d);
}

// ---- master --------------------------------------------------------------------------

void CimMacro::bus_read(std::uint64_t addr, void* dst, std::size_t len, std::uint32_t layer) {
  transfer(tlm::TLM_READ_COMMAND, addr, static_cast<unsigned char*>(dst), len, layer);
}

void CimMacro::bus_write(std::uint64_t addr, const void* src, std::size_t len) {
  // TLM payloads carry non-const data pointers; a write never modifies them.
  transfer(tlm::TLM_WRITE_COMMAND, addr, static_cast<unsigned char*>(const_cast<void*>(src)), len, kNoLayer);
}

void CimMacro::transfer(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, std::size_t len,
                        std::uint32_t layer) {
  // No quantum sync inside: run_batch measures the bus time as a local-time difference.
  const BusResult r =
      cmd == tlm::TLM_READ_COMMAND ? bus_.read(addr, data, len) : bus_.write(addr, data, len);
  if (!r.ok()) throw Fault{cim_err::BUS_ERROR, layer, r.addr, r.describe()};
}

void CimMacro::invalidate_direct_mem_ptr(sc_dt::uint64 start, sc_dt::uint64 end) {
  bus_.invalidate_direct_mem_ptr(start, end);
}

// ---- pricing ---------------------------------------------------------------------------

void CimMacro::price(const TechParams& tech, PpaLedger& ledger) const {
  const auto n = [this](std::size_t c) { return counters_.values()[c].second; };
  constexpr std::uint64_t kRegBits = 32;
  const std::uint64_t moved = n(c_bytes_read_) + n(c_bytes_written_);
  const std::uint64_t dmi_accesses = n(c_dmi_reads_) + n(c_dmi_writes_);
  const std::uint64_t dmi_bytes = n(c_dmi_bytes_read_) + n(c_dmi_bytes_written_);
  ledger.add_event("bus_byte", moved, dma_energy_pj(tech, moved));
  ledger.add_event("dram_access_dmi", dmi_accesses, dram_energy_pj(tech, dmi_accesses, 0));
  ledger.add_event("dram_byte_dmi", dmi_bytes, dram_energy_pj(tech, 0, dmi_bytes));
  ledger.add_event("register_read", n(c_mmio_reads_),
                   static_cast<double>(n(c_mmio_reads_)) * storage_read_energy_pj(tech.reg, kRegBits));
  ledger.add_event("register_write", n(c_mmio_writes_),
                   static_cast<double>(n(c_mmio_writes_)) * storage_write_energy_pj(tech.reg, kRegBits));
  ledger.add_event("buffer_read", n(c_buf_read_), storage_read_energy_pj(tech.line_buffer, n(c_buf_read_)));
  ledger.add_event("buffer_write", n(c_buf_written_), storage_write_energy_pj(tech.line_buffer, n(c_buf_written_)));
  // max pooling: one two-input OR per op, priced as one activation_bit (a 1-bit compare)
  ledger.add_event("pool_or", n(c_pool_ors_), static_cast<double>(n(c_pool_ors_)) * tech.activation_bit.energy_pj);
  ledger.add_event("clock", n(c_busy_cycles_), clock_energy_pj(tech, n(c_busy_cycles_)));
  ledger.set_active_ns(static_cast<double>(n(c_busy_cycles_)) * config_.timing.clock_period_ns);

  ledger.add_area("bus_master", 1, tech.dma_byte.area_um2);
  ledger.add_area("register_bits", regs_.registers().size() * kRegBits, tech.reg.area_um2_per_bit);
  if (!layers_.empty()) {
    // tile buffers of the loaded network, double-buffered: input bit planes, activations, sums
    const std::uint64_t T = config_.tile_vectors;
    const LayerInfo& first = layers_.front();
    std::uint64_t act = 0, pool_gates = 0;
    for (std::size_t l = 1; l < layers_.size(); ++l) act = std::max<std::uint64_t>(act, layers_[l].in_bits);
    const std::uint64_t bits = 2 * T * (first.in_bits * first.planes + act + 32ull * layers_.back().outputs);
    ledger.add_area("buffer_bits", bits, tech.line_buffer.area_um2_per_bit);
    // pooling: an OR tree of pool² − 1 gates per column of the widest pooled layer
    for (const LayerInfo& L : layers_)
      if (L.is_conv() && L.conv.pool > 1)
        pool_gates = std::max<std::uint64_t>(pool_gates, std::uint64_t{config_.array.cols} *
                                                             (std::uint64_t{L.conv.pool} * L.conv.pool - 1));
    if (pool_gates > 0) ledger.add_area("pool_or_gates", pool_gates, tech.activation_bit.area_um2);
  }
  const bool digital = config_.array.access == AccessMode::row_by_row;
  for (std::size_t l = 0; l < layer_stats_.size(); ++l) {
    const LayerStats& st = layer_stats_[l];
    PpaLayerRow row;
    row.layer = static_cast<unsigned>(l);
    row.latency_ns = st.compute / sc_core::sc_time(1, sc_core::SC_NS);
    row.critical_path = st.compute - st.read > st.read ? "accumulate" : digital ? "array+sa" : "array+sense";
    ledger.add_layer(row);
  }
}

}  // namespace cimvp
