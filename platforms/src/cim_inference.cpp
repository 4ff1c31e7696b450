#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/units.h"

#include "cimvp/platform/cim_buffer_config.h"
#include "cimvp/platform/cim_config.h"
#include "cimvp/platform/config_schema.h"
#include "cimvp/platform/pipeline_timing.h"
#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/rram_comparison.h"
#include "cimvp/workloads/rram_networks.h"
#include "cimvp/platform/ppa.h"
#include "cimvp/workloads/bnn_pipeline.h"
#include "cimvp/workloads/golden.h"
#include "cimvp/workloads/network_io.h"
#include "cimvp/workloads/synthetic.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <sstream>

namespace cimvp {

namespace {
std::map<std::pair<std::string, int>, Dataset>& preloaded() {
  static std::map<std::pair<std::string, int>, Dataset> cache;
  return cache;
}

/// The first `max_samples` samples of a split (0: all), from the sweep's preloaded copy when
/// there is one, else read from disk only that far (load_dataset's partial read).
Dataset preloaded_or_load(const std::string& name, DatasetSplit split, std::size_t max_samples = 0) {
  const auto it = preloaded().find({name, static_cast<int>(split)});
  return it != preloaded().end() ? it->second.head(max_samples) : load_dataset(name, split, max_samples);
}

/// Calibrated golden networks by calibration_key (precalibrate; docs/sweeps.md).
std::map<std::string, std::shared_ptr<const QuantizedNetwork>>& calibrated() {
  static std::map<std::string, std::shared_ptr<const QuantizedNetwork>> cache;
  return cache;
}
}  // namespace

void preload_dataset(const std::string& name) {
  for (DatasetSplit split : {DatasetSplit::test, DatasetSplit::train}) {
    auto& slot = preloaded()[{name, static_cast<int>(split)}];
    if (slot.size() == 0) slot = load_dataset(name, split);
  }
}


namespace {

std::string pct(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f %%", 100.0 * v);
  return b;
}

std::string time_text(double ns) {
  char b[32];
  if (ns >= 1e6)
    std::snprintf(b, sizeof b, "%.3f ms", ns / 1e6);
  else if (ns >= 1e3)
    std::snprintf(b, sizeof b, "%.3f us", ns / 1e3);
  else
    std::snprintf(b, sizeof b, "%.1f ns", ns);
  return b;
}

std::string shape(const BnnNetwork& net) {
  const BnnLayer& f = net.layers.front();
  std::string s = f.is_conv() ? std::to_string(f.conv.in_h) + "x" + std::to_string(f.conv.in_w) + "x" +
                                    std::to_string(f.conv.in_c)
                              : std::to_string(f.inputs);
  for (const auto& l : net.layers) {
    s += "-";
    if (!l.is_conv()) {
      s += std::to_string(l.outputs);
      continue;
    }
    const ConvShape& c = l.conv;  // the trainer's --arch spelling: c<out>k<k>[s<s>][p<p>][,pool<p>]
    s += "c" + std::to_string(c.out_c) + "k" + std::to_string(c.kernel_h);
    if (c.kernel_w != c.kernel_h) s += "x" + std::to_string(c.kernel_w);
    if (c.stride != 1) s += "s" + std::to_string(c.stride);
    if (c.pad != 0) s += "p" + std::to_string(c.pad);
    if (c.pool > 1) s += ",pool" + std::to_string(c.pool);
  }
  return s;
}

std::string input_text(const BnnNetwork& net) {
  return net.input == InputEncoding::bit_serial ? "bit-serial " + std::to_string(net.input_bits) + " bits"
                                                : "binarized >= " + std::to_string(net.input_threshold);
}

/// A weight file given as a plain name that is not a file here is a shipped one.
std::string resolve_weights(const std::string& spec) {
  std::error_code ec;
  if (std::filesystem::exists(spec, ec) || spec.find('/') != std::string::npos) return spec;
  return shipped_weights_path(spec);
}

/// "\r[=====>    ]  4000/10000 images" on stderr.
void draw_progress(std::size_t done, std::size_t total) {
  constexpr int kWidth = 40;
  const int filled = total ? static_cast<int>(kWidth * done / total) : kWidth;
  std::string bar(kWidth, ' ');
  for (int i = 0; i < filled; ++i) bar[i] = '=';
  if (filled < kWidth) bar[filled] = '>';
  std::fprintf(stderr, "\rcimvp: inference [%s] %zu/%zu images", bar.c_str(), done, total);
  if (done >= total) std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

double priced_dynamic_pj(const TechParams& tech) {
  double pj = 0;
  for (const auto& l : collect_ledgers(tech)) pj += l.second.dynamic_pj();
  return pj;
}

}  // namespace

std::vector<unsigned> parse_drop_levels(const std::string& text) {
  std::vector<unsigned> out;
  std::string item;
  std::istringstream is(text);
  while (std::getline(is, item, ',')) {
    const auto a = item.find_first_not_of(" \t"), b = item.find_last_not_of(" \t");
    const std::string t = a == std::string::npos ? "" : item.substr(a, b - a + 1);
    bool digits = !t.empty() && t.size() <= 4;
    for (char c : t) digits = digits && c >= '0' && c <= '9';
    if (!digits || std::stoul(t) > kDropLevelScale)
      throw ConfigError("", "cim_inference.drop_levels",
                        "'" + shown(t) + "' in '" + shown(text) + "': expected comma-separated drop levels per mille, each 0..1000");
    out.push_back(static_cast<unsigned>(std::stoul(t)));
  }
  return out;
}

CimInference::CimInference(const CimInferenceConfig& config, const PlatformConfig& platform) : config_(config) {
  if (!has_cim(platform))
    throw ConfigError("", "address_map", "job cim_inference needs a 'cim' target in the address map");
  if (config_.batch == 0) throw ConfigError("", "cim_inference.batch", "must be at least 1");
  macro_base_ = cim_base(platform);
  if (config_.transfer != "dma" && config_.transfer != "master")
    throw ConfigError("", "cim_inference.transfer", "expected dma or master, got '" + config_.transfer + "'");
  if (config_.transfer == "dma") {
    if (!has_cim_buffer(platform))
      throw ConfigError("", "cim_inference.transfer",
                        "dma transfer needs a 'cim_buffer' target in the address map (or set transfer: master)");
    abuf_base_ = cim_buffer_base(platform);
    for (const auto& r : platform.router.map)
      if (r.target == "dma") dma_base_ = r.base;
  }
  const AddressRange* mem = nullptr;
  for (const auto& r : platform.router.map)
    if (r.target == "memory") mem = &r;
  if (mem == nullptr) throw ConfigError("", "address_map", "job cim_inference needs a 'memory' target");

  // "synthetic-vgg8": a generated network (synthetic.h, seed 1), not a file.
  const bool synthetic = config_.weights == kSyntheticVgg8;
  weights_path_ = synthetic ? std::string(kSyntheticVgg8) : resolve_weights(config_.weights);
  // The header first: the shapes are checked against the macro's capacity before the
  // weights are read and expanded (about K*M bytes per layer).
  BnnFileHeader header;
  if (synthetic) {
    net_ = synthetic_vgg8(1);
    for (const BnnLayer& l : net_.layers) header.shapes.emplace_back(l.inputs, l.outputs);
  } else {
    try {
      header = read_network_header(weights_path_);
    } catch (const std::bad_alloc&) {
      throw;  // the command line reports it with the limit (exit 2)
    } catch (const std::exception& e) {
      throw ConfigError("", "cim_inference.weights", e.what());
    }
  }
  std::uint64_t subarrays = 0;
  const unsigned R = platform.cim.array.rows, C = platform.cim.array.cols;
  // K of the first layer, then each layer's M (a conv layer's K is its window length, M its
  // output channels)
  std::string shape_text = std::to_string(header.shapes.front().first);
  for (const auto& [K, M] : header.shapes) {
    subarrays += std::uint64_t{(K + R - 1) / R} * ((M + C - 1) / C);
    shape_text += "-" + std::to_string(M);
  }
  if (header.shapes.size() > platform.cim.max_layers)
    throw ConfigError("", "cim.controller.max_layers",
                      weights_path_ + " has " + std::to_string(header.shapes.size()) + " layers, the macro takes at most " +
                          std::to_string(platform.cim.max_layers) + " descriptors (raise cim.controller.max_layers)");
  if (subarrays > platform.cim.capacity_subarrays)
    throw ConfigError("", "cim.controller.capacity_subarrays",
                      weights_path_ + " (" + shape_text + ") needs " + std::to_string(subarrays) + " sub-arrays of " +
                          std::to_string(R) + "x" + std::to_string(C) + ", the macro has " +
                          std::to_string(platform.cim.capacity_subarrays));
  if (!synthetic) try {
    net_ = load_network(weights_path_);
  } catch (const std::bad_alloc&) {
    throw;  // the command line reports it with the limit (exit 2)
  } catch (const std::exception& e) {
    throw ConfigError("", "cim_inference.weights", e.what());
  }
  try {
    data_ = preloaded_or_load(config_.dataset, DatasetSplit::test, config_.images);  // fewer: warned below
    if (config_.images > data_.size())
      warnings_.push_back("cim_inference.images = " + std::to_string(config_.images) + " but " + data_.name + " has " +
                          std::to_string(data_.size()) + " test images: all " + std::to_string(data_.size()) +
                          " are classified");
    if (config_.images > 0) data_ = data_.head(config_.images);
  } catch (const std::bad_alloc&) {
    throw;  // the command line reports it with the limit (exit 2)
  } catch (const std::exception& e) {
    throw ConfigError("", "cim_inference.dataset", e.what());
  }
  for (std::size_t l = 0; l < net_.layers.size(); ++l) {  // the macro's map width (descriptor check, BAD_SHAPE)
    const BnnLayer& L = net_.layers[l];
    const std::size_t widest = L.is_conv() ? std::max(L.conv.input_bits(), L.conv.output_bits()) : 0;
    if (widest > platform.cim.max_width)
      throw ConfigError("", "cim.controller.max_width",
                        weights_path_ + ": conv layer " + std::to_string(l) + " has a " + std::to_string(widest) +
                            "-bit map, the macro holds at most " + std::to_string(platform.cim.max_width) +
                            " bits (raise cim.controller.max_width; tile_vectors x max_width at most 16 Mi)");
  }
  // a network whose trainer command names another data set classifies this one at chance:
  // say so (the job still checks hardware == golden, which holds either way)
  if (const auto at = net_.description.find("--dataset "); at != std::string::npos) {
    const std::size_t from = at + 10, to = net_.description.find_first_of(" ;\n", from);
    const std::string trained_on = net_.description.substr(from, to == std::string::npos ? to : to - from);
    if (!trained_on.empty() && trained_on != config_.dataset)
      warnings_.push_back(weights_path_ + " was trained on " + shown(trained_on) + " (its description: \"" +
                         shown(net_.description) + "\") but cim_inference.dataset is " + config_.dataset +
                         ": expect an accuracy near chance");
  }
  if (net_.layers.front().input_size() != data_.pixels())
    throw ConfigError("", "cim_inference.weights",
                      weights_path_ + ": the network takes " + std::to_string(net_.layers.front().input_size()) +
                          " inputs but " + data_.name + " images have " + std::to_string(data_.pixels()) +
                          " pixels");
  if (net_.mode != platform.cim.array.mode)
    throw ConfigError("", "cim.array.cell",
                      weights_path_ + " was trained for " + to_string(net_.mode) + " cells but the platform's macro has " +
                          to_string(platform.cim.array.mode) + " (set cim.array.cell)");
  if (data_.size() == 0) throw ConfigError("", "cim_inference.images", "the data set is empty");
  if (config_.transfer == "dma") {
    // one input vector and its sums must fit a buffer half (checked again by the driver)
    const std::uint64_t vb = cim_input_bytes(InputFormat::pixels_bit_serial, static_cast<std::uint32_t>(data_.pixels()));
    if (platform.cim.buffer.input_half_bytes < vb)
      throw ConfigError("", "cim.buffer.input_bytes",
                        "one input half of " + std::to_string(platform.cim.buffer.input_half_bytes) +
                            " bytes cannot hold one " + std::to_string(vb) + "-byte image (cim_inference.transfer: dma)");
    const std::uint64_t sb = std::uint64_t{net_.layers.back().outputs} * 4;
    if (platform.cim.buffer.output_half_bytes < sb)
      throw ConfigError("", "cim.buffer.output_bytes",
                        "one output half of " + std::to_string(platform.cim.buffer.output_half_bytes) +
                            " bytes cannot hold the " + std::to_string(sb) + " bytes of sums of one image "
                            "(cim_inference.transfer: dma)");
  }

  if (config_.pipeline) {
    const std::string why = pipeline_problem(net_);
    if (!why.empty())
      throw ConfigError("", "cim_inference.pipeline", weights_path_ + ": " + why + " (set cim_inference.pipeline: false)");
  }
  if (config_.rram_comparison) {
    try {
      rram_ = std::make_unique<RramComparison>(rram_comparison_of(rram_layers_of(net_), shape(net_)));
    } catch (const ConfigError&) {
      throw;
    } catch (const std::exception& e) {
      throw ConfigError("", "cim_inference.rram_comparison", e.what());
    }
  }
  pipeline_mapping_ = platform.cim.mapping();
  drop_levels_ = parse_drop_levels(config_.drop_levels);
  bool supported = false;
  for (const auto& l : net_.layers) supported = supported || l.has_supports();
  if (!drop_levels_.empty() && !supported)
    throw ConfigError("", "cim_inference.drop_levels",
                      weights_path_ + " has no supports to drop (leave cim_inference.drop_levels empty)");
  if (supported && platform.cim.drive.kind != DriveKind::row_dac)
    throw ConfigError("", "cim.drive.kind",
                      weights_path_ + " has supports (Supported-BinaryNet): expected row_dac, got binary");
  try {
    tech_ = load_tech(platform.tech);
    has_tech_ = true;
  } catch (const std::exception&) {
    has_tech_ = false;  // the trade-off table then has no energy column
  }

  // References: the golden quantized network uses the macro's own mapping; its nonlinear
  // MLSAs are calibrated on training images, and the same transfer functions go to the
  // macro through the MLSA tables of the memory image.
  const std::size_t P = data_.pixels();
  // a sweep may have calibrated this mapping before it forked (precalibrate)
  const auto cached = calibrated().find(calibration_key(config_, platform));
  reused_calibration_ = cached != calibrated().end();
  QuantizedNetwork qn = [&] {
    if (reused_calibration_) return *cached->second;
    try {
      return QuantizedNetwork(net_, platform.cim.mapping());
    } catch (const std::invalid_argument& e) {
      throw ConfigError("", "cim.sense.kind", weights_path_ + ": " + e.what());
    }
  }();
  if (!reused_calibration_ && qn.needs_calibration()) {
    if (config_.calibration_samples == 0)
      throw ConfigError("", "cim_inference.calibration_samples",
                        "nonlinear MLSAs need calibration samples (at least 1)");
    Dataset train;
    try {
      train = preloaded_or_load(config_.dataset, DatasetSplit::train, config_.calibration_samples);
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      throw ConfigError("", "cim_inference.dataset", e.what());
    }
    qn.calibrate(train.images.data(), train.size(), P);
  }
  if (!drop_levels_.empty()) {  // golden and ideal at every level; the first one is the headline
    for (unsigned lvl : drop_levels_) {
      qn.set_drop_level(lvl);
      golden_at_.push_back(qn.run(data_.images.data(), data_.size(), P).predictions);
      golden_acc_at_.push_back(accuracy(golden_at_.back(), data_.labels));
      ideal_acc_at_.push_back(
          accuracy(exact_inference(net_, data_.images.data(), data_.size(), P, false, lvl).predictions, data_.labels));
    }
    qn.set_drop_level(drop_levels_.front());
    golden_ = golden_at_.front();
    ideal_ = exact_inference(net_, data_.images.data(), data_.size(), P, false, drop_levels_.front()).predictions;
  } else {
    golden_ = qn.run(data_.images.data(), data_.size(), P).predictions;
    // the ideal BNN by bit-packed GEMMs where the network allows it (no supports):
    // the same predictions as exact_inference, several times faster (golden.h)
    ideal_ = packed_inference_applies(net_) ? packed_inference(net_, data_.images.data(), data_.size(), P).predictions
                                            : exact_inference(net_, data_.images.data(), data_.size(), P).predictions;
  }
  acc_ideal_ = accuracy(ideal_, data_.labels);
  acc_golden_ = accuracy(golden_, data_.labels);

  // Memory: the image at the start of the memory window, the driver's buffers after it.
  const std::uint64_t window = std::min(mem->size, platform.memory.size_bytes);
  try {
    image_ = build_cim_image(net_, mem->base, &qn);
  } catch (const std::invalid_argument& e) {
    throw ConfigError("", "cim_inference.weights", e.what());
  }
  // Layout: image | driver buffers (2 input + 2 output batches) | preloaded images.
  auto align = [](std::uint64_t v) { return (v + 0xFFFF) / 0x10000 * 0x10000; };
  const std::uint64_t used = align(image_.bytes.size());
  const std::uint64_t buffers = align(2 * (std::uint64_t{config_.batch} * (image_.input_bytes + 4 * image_.outputs) + 128));
  const std::uint64_t images = config_.preload ? align(data_.images.size()) : 0;
  const std::uint64_t need = used + buffers + images;
  if (need > window)
    throw ConfigError("", config_.preload ? "cim_inference.preload" : "cim_inference.batch",
                      "image, buffers of batch " + std::to_string(config_.batch) +
                          (config_.preload ? " and the preloaded test images" : "") + " need " +
                          std::to_string(need) + " bytes of memory, the memory window has " + std::to_string(window));
  memory_base_ = mem->base;
  buffer_base_ = mem->base + used;
  buffer_bytes_ = buffers;
  images_addr_ = mem->base + used + buffers;
  irq_line_ = 1;
}

std::uint64_t CimInference::binary_macs_per_image() const {
  std::uint64_t n = 0;
  for (std::size_t l = 0; l < net_.layers.size(); ++l)
    n += std::uint64_t{l == 0 ? first_layer_planes(net_) : 1u} * net_.layers[l].inputs * net_.layers[l].outputs *
         (net_.layers[l].is_conv() ? net_.layers[l].conv.windows() : 1u);  // conv: every window
  return n;
}

CimInference::~CimInference() = default;

void CimInference::attach(Platform& platform) {
  platform_ = &platform;
  preload_images(platform.memory.data(), platform.memory.size());
  // elaborated beside the platform (before sc_start); the first test image runs through it
  if (config_.pipeline && !timing_)
    timing_ = std::make_unique<PipelineTiming>(net_, pipeline_mapping_, data_.images.data(), data_.pixels());
}

void CimInference::preload_images(std::uint8_t* memory, std::uint64_t size) {
  if (!config_.preload) return;
  const std::uint64_t off = images_addr_ - memory_base_;
  if (memory == nullptr || off + data_.images.size() > size)
    throw std::invalid_argument("cim_inference: the test images do not fit in the memory");
  std::copy(data_.images.begin(), data_.images.end(), memory + off);
  preloaded_ = true;
}

void CimInference::run(Hal& hal) {
  const auto w0 = std::chrono::steady_clock::now();
  for (const std::string& w : warnings_) SC_REPORT_WARNING("cimvp/cim_inference", w.c_str());
  try {
    BnnDriverConfig dc;
    dc.macro_base = macro_base_;
    dc.irq_line = irq_line_;
    dc.buffer_base = buffer_base_;
    dc.buffer_bytes = buffer_bytes_;
    dc.batch = config_.batch;
    dc.use_dma = config_.transfer == "dma";
    dc.dma_base = dma_base_;
    dc.dma_irq_line = 0;
    dc.abuf_base = abuf_base_;
    BnnDriver driver(hal, dc);
    const sc_core::sc_time t0 = hal.now();
    driver.load(image_);
    const sc_core::sc_time t1 = hal.now();
    const bool bar = config_.progress && ::isatty(STDERR_FILENO);
    const auto w1 = std::chrono::steady_clock::now();
    const BnnLayer& last = net_.layers.back();
    const BnnDriver::Progress progress = bar ? BnnDriver::Progress(draw_progress) : BnnDriver::Progress();
    const auto pass = [&] {
      return preloaded_ ? driver.infer_in_memory(images_addr_, data_.size(), last.scale.data(), last.bias.data(),
                                                 false, progress)
                        : driver.infer(data_.images.data(), data_.size(), last.scale.data(), last.bias.data(), false,
                                       progress);
    };
    const auto drive_count = [&](const char* c) -> std::uint64_t {
      return platform_ != nullptr && platform_->cim ? platform_->cim->drive->counters().get(c) : 0;
    };
    BnnRunResult r;
    for (std::size_t i = 0; i < std::max<std::size_t>(1, drop_levels_.size()); ++i) {
      if (drop_levels_.empty()) {
        r = pass();
        break;
      }
      LevelResult lr;
      lr.drop_permille = drop_levels_[i];
      driver.set_drop_level(lr.drop_permille);  // between batches: no reload
      const std::uint64_t p0 = drive_count("dac_programmings"), c0 = drive_count("dac_conversions"),
                          s0 = drive_count("support_reads");
      const double e0 = has_tech_ ? priced_dynamic_pj(tech_) : 0.0;
      const sc_core::sc_time ta = hal.now();
      BnnRunResult ri = pass();
      lr.inference_ns = (hal.now() - ta).to_seconds() * 1e9;
      lr.energy_pj = has_tech_ ? priced_dynamic_pj(tech_) - e0 : 0.0;
      lr.dac_programmings = drive_count("dac_programmings") - p0;
      lr.dac_conversions = drive_count("dac_conversions") - c0;
      lr.support_reads = drive_count("support_reads") - s0;
      lr.acc_hw = accuracy(ri.predictions, data_.labels);
      lr.acc_golden = golden_acc_at_[i];
      lr.acc_ideal = ideal_acc_at_[i];
      for (std::size_t k = 0; k < ri.predictions.size(); ++k) lr.agree += ri.predictions[k] == golden_at_[i][k] ? 1 : 0;
      levels_.push_back(lr);
      if (i == 0) r = std::move(ri);
    }
    const sc_core::sc_time t2 = hal.now();
    const auto w2 = std::chrono::steady_clock::now();
    hw_ = std::move(r.predictions);
    unclassified_ = std::move(r.unclassified);
    failures_ = std::move(r.failures);
    retries_ = r.retries;
    driver_errors_ = std::move(r.errors);
    batches_ = r.batches;
    vectors_per_start_ = r.vectors_per_start;
    load_ns_ = (t1 - t0).to_seconds() * 1e9;
    infer_ns_ = levels_.empty() ? (t2 - t1).to_seconds() * 1e9 : levels_.front().inference_ns;  // first pass
    infer_wall_s_ = std::chrono::duration<double>(w2 - w1).count();
    acc_hw_ = accuracy(hw_, data_.labels);
    agree_ = 0;
    for (std::size_t i = 0; i < hw_.size(); ++i) agree_ += hw_[i] == golden_[i] ? 1 : 0;
    ran_ = true;
  } catch (const std::bad_alloc&) {
    throw;  // the Host marks the program out of memory; the command line exits 2
  } catch (const std::exception& e) {
    error_ = e.what();
  }
  wall_s_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
}

std::string CimInference::layer_ppa_lines() const {
  // The per-layer rows of the priced modules (docs/ppa.md "Per-layer rows"), merged by layer.
  std::map<unsigned, PpaLayerRow> rows;
  if (has_tech_)
    for (const auto& [module, ledger] : collect_ledgers(tech_))
      for (const PpaLayerRow& r : ledger.layers()) {
        auto it = rows.find(r.layer);
        if (it == rows.end())
          rows.emplace(r.layer, r);
        else
          it->second.merge(r);
      }
  std::ostringstream os;
  os << "  per layer (macro; whole run)";
  if (rows.empty()) return os.str() + ": no priced layer rows";
  char b[256];
  for (const auto& [l, r] : rows) {
    const BnnLayer* L = l < net_.layers.size() ? &net_.layers[l] : nullptr;
    std::snprintf(b, sizeof b, "\n    layer %u %-5s K %-6llu M %-5llu sub-arrays %-4llu reads %-9llu energy %-10s latency %s (%s)",
                  l, L && L->is_conv() ? "conv" : "dense", static_cast<unsigned long long>(r.inputs),
                  static_cast<unsigned long long>(r.outputs), static_cast<unsigned long long>(r.subarrays),
                  static_cast<unsigned long long>(r.reads), format_energy_pj(r.energy_pj).c_str(),
                  time_text(r.latency_ns).c_str(), r.critical_path.c_str());
    os << b;
  }
  return os.str();
}

bool CimInference::passed() const {
  for (const LevelResult& l : levels_)
    if (l.agree != data_.size()) return false;
  return ran_ && error_.empty() && agree_ == data_.size() && levels_.size() == drop_levels_.size();
}

std::string CimInference::drop_table() const {
  if (levels_.empty()) return "";
  std::ostringstream os;
  char b[256];
  os << "  support drop-level trade-off (hardware == golden checked at every level):\n";
  std::snprintf(b, sizeof b, "  %7s %10s %10s %10s %10s %14s %14s %12s %14s\n", "drop %", "ideal", "golden",
                "hardware", "hw==gold", "DAC programs", "DAC convs", "latency", "energy/image");
  os << b;
  const double n = data_.size() ? static_cast<double>(data_.size()) : 1.0;
  for (const LevelResult& l : levels_) {
    std::snprintf(b, sizeof b, "  %7.1f %10s %10s %10s %10zu %14llu %14llu %12s %14s\n", l.drop_permille / 10.0,
                  pct(l.acc_ideal).c_str(), pct(l.acc_golden).c_str(), pct(l.acc_hw).c_str(), l.agree,
                  static_cast<unsigned long long>(l.dac_programmings),
                  static_cast<unsigned long long>(l.dac_conversions), time_text(l.inference_ns).c_str(),
                  has_tech_ ? format_energy_pj(l.energy_pj / n).c_str() : "-");
    os << b;
  }
  return os.str();
}

std::string CimInference::verdict() const {
  if (!ran_) return {};
  return "hardware == golden on " + std::to_string(agree_) + "/" + std::to_string(data_.size()) +
         " images; hardware accuracy " + pct(acc_hw_);
}

std::string CimInference::summary() const {
  std::ostringstream os;
  os << data_.name << ", " << data_.size() << " images, " << std::filesystem::path(weights_path_).filename().string()
     << " (" << shape(net_) << " " << to_string(net_.mode) << ", " << input_text(net_) << ")";
  if (!error_.empty()) {
    os << ": " << error_;
    return os.str();
  }
  if (!ran_) return os.str() + ": did not run";
  char wall[64];
  std::snprintf(wall, sizeof wall, "%.3f s wall, %.0f images/s", infer_wall_s_,
                infer_wall_s_ > 0 ? data_.size() / infer_wall_s_ : 0.0);
  os << "\n  accuracy   ideal BNN " << pct(acc_ideal_) << "   golden " << pct(acc_golden_) << "   hardware "
     << pct(acc_hw_) << "\n  hardware == golden on " << agree_ << "/" << data_.size() << " images ("
     << pct(data_.size() ? double(agree_) / data_.size() : 0.0) << ")";
  if (!unclassified_.empty()) {
    os << "\n  NOT CLASSIFIED " << unclassified_.size() << " images (counted wrong):";
    for (const auto& f : failures_)
      os << "\n    images " << f.first << ".." << f.first + f.count - 1 << ": " << f.stage << ": " << f.cause;
  }
  if (retries_ > 0) os << "\n  retried    " << retries_ << " times after " << driver_errors_.size() << " errors";
  os
     << "\n  inference  " << batches_ << (batches_ == 1 ? " batch of up to " : " batches of up to ") << vectors_per_start_
     << (vectors_per_start_ < config_.batch ? " (cim_inference.batch " + std::to_string(config_.batch) +
                                                  ", limited by the activation buffer / macro tile)"
                                            : std::string())
     << (config_.transfer == "dma" ? " via the DMA" : "")
     << (preloaded_ ? " (images preloaded in DRAM): " : " (images copied by the driver): ")
     << time_text(infer_ns_) << " simulated after a " << time_text(load_ns_) << " load, " << wall;
  if (!levels_.empty()) os << "\n" << drop_table();
  if (timing_) {
    os << "\n" << layer_ppa_lines();
    os << "\n" << timing_->report();
  }
  if (rram_) os << "\n" << rram_->report();
  return os.str();
}

nlohmann::ordered_json CimInference::results() const {
  nlohmann::ordered_json j;
  j["name"] = name();
  j["passed"] = passed();
  j["weights"] = weights_path_;
  j["network"] = {{"shape", shape(net_)}, {"mode", to_string(net_.mode)}, {"input", input_text(net_)}};
  j["dataset"] = data_.name;
  j["images"] = data_.size();
  j["batch"] = config_.batch;
  j["batches"] = batches_;
  j["vectors_per_start"] = vectors_per_start_;
  j["transfer"] = config_.transfer;
  j["calibration_samples"] = config_.calibration_samples;
  j["calibration_reused"] = reused_calibration_;
  j["images_preloaded"] = preloaded_;
  j["images_address"] = preloaded_ ? images_addr_ : 0;
  j["accuracy"] = {{"ideal_bnn", acc_ideal_}, {"golden", acc_golden_}, {"hardware", acc_hw_}};
  j["hardware_equals_golden"] = {{"images", agree_}, {"fraction", data_.size() ? double(agree_) / data_.size() : 0.0}};
  j["load_ns"] = load_ns_;
  j["inference_ns"] = infer_ns_;
  j["inference_wall_s"] = infer_wall_s_;
  j["images_per_second_wall"] = infer_wall_s_ > 0 ? data_.size() / infer_wall_s_ : 0.0;
  j["images_per_second_simulated"] = infer_ns_ > 0 ? data_.size() / (infer_ns_ * 1e-9) : 0.0;
  j["binary_macs_per_image"] = binary_macs_per_image();
  j["classified"] = hw_.size() - unclassified_.size();
  j["unclassified"] = unclassified_.size();
  j["unclassified_images"] = unclassified_;
  nlohmann::ordered_json fails = nlohmann::ordered_json::array();
  for (const auto& f : failures_)
    fails.push_back({{"first_image", f.first}, {"images", f.count}, {"stage", f.stage}, {"cause", f.cause}});
  j["failed_batches"] = std::move(fails);
  j["retries"] = retries_;
  j["driver_errors"] = driver_errors_;
  if (!levels_.empty()) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const LevelResult& l : levels_)
      a.push_back({{"drop_permille", l.drop_permille},
                   {"accuracy", {{"ideal_bnn", l.acc_ideal}, {"golden", l.acc_golden}, {"hardware", l.acc_hw}}},
                   {"hardware_equals_golden", l.agree},
                   {"dac_programmings", l.dac_programmings},
                   {"dac_conversions", l.dac_conversions},
                   {"support_reads", l.support_reads},
                   {"inference_ns", l.inference_ns},
                   {"energy_pj", l.energy_pj},
                   {"energy_pj_per_image", data_.size() ? l.energy_pj / data_.size() : 0.0}});
    j["drop_levels"] = a;
  }
  if (timing_) j["layer_pipeline"] = timing_->results();
  if (rram_) j["rram_cnn_vs_bcnn"] = rram_->results();
  j["error"] = error_;
  return j;
}

// ---- calibration reuse (docs/sweeps.md, "Calibration reuse") ----------------------------

std::string calibration_key(const CimInferenceConfig& config, const PlatformConfig& platform) {
  // what QuantizedNetwork(net, cim.mapping()) and its calibration depend on: the network, the
  // training images, and every key of the sub-array, sensing, drive and cell sections (the
  // schema's echo, so a key added there is part of the key without an edit here), the seed
  // and the technology (it sets the bit-line linear range)
  const nlohmann::ordered_json echo = platform_schema().to_json(platform);
  nlohmann::ordered_json key;
  key["weights"] = resolve_weights(config.weights);
  key["dataset"] = config.dataset;
  key["calibration_samples"] = config.calibration_samples;
  key["cim"] = echo.contains("cim") ? echo["cim"] : nlohmann::ordered_json();
  // keys of timing, transfers and pricing only (CimTimingConfig, buffers, controller, bus
  // master): MappingConfig does not see them
  nlohmann::ordered_json& cim = key["cim"];
  if (cim.is_object()) {
    for (const char* k : {"clock_period_ns", "power_gating", "accumulate", "buffer", "controller", "master"}) cim.erase(k);
    const std::pair<const char*, const char*> nested[] = {{"array", "read_ns"}, {"sense", "decision_ns"},
                                                         {"drive", "dac_ns"}, {"two_way", "transposed_read_ns"},
                                                         {"two_way", "row_write_ns"}};
    for (const auto& [section, k] : nested)
      if (cim.contains(section) && cim[section].is_object()) cim[section].erase(k);
  }
  key["seed"] = echo.contains("seed") ? echo["seed"] : nlohmann::ordered_json();
  key["tech"] = echo.contains("tech") ? echo["tech"] : nlohmann::ordered_json();
  return key.dump();
}

bool precalibrate(const CimInferenceConfig& config, const PlatformConfig& platform) {
  const std::string key = calibration_key(config, platform);
  if (calibrated().count(key) != 0) return true;
  const std::string weights = resolve_weights(config.weights);
  BnnNetwork net;
  try {
    net = load_network(weights);
  } catch (const std::exception& e) {
    throw ConfigError("", "cim_inference.weights", e.what());
  }
  std::unique_ptr<QuantizedNetwork> qn;
  try {
    qn = std::make_unique<QuantizedNetwork>(net, platform.cim.mapping());
  } catch (const std::invalid_argument& e) {
    throw ConfigError("", "cim.sense.kind", weights + ": " + e.what());
  }
  if (!qn->needs_calibration()) return false;
  if (config.calibration_samples == 0) return false;  // the point itself reports it
  Dataset train;
  try {
    train = preloaded_or_load(config.dataset, DatasetSplit::train, config.calibration_samples);
  } catch (const std::exception& e) {
    throw ConfigError("", "cim_inference.dataset", e.what());
  }
  if (train.size() == 0 || train.pixels() != net.layers.front().inputs) return false;  // the point reports it
  qn->calibrate(train.images.data(), train.size(), train.pixels());
  calibrated()[key] = std::move(qn);
  return true;
}

}  // namespace cimvp
