// The main job: BNN inference of a data set on the CIM macro (docs/cim-macro.md), reported
// side by side with the ideal (exact) BNN and the golden quantized reference.
//
// Before the simulation (constructor): the network and the data set are loaded and checked
// against the platform, the golden reference (workloads/golden.h) is built with the macro's
// own MappingConfig and calibrated on `calibration_samples` training images, both references
// are run, and the memory image (descriptors, weights, MLSA tables) is laid out.  In the
// simulation (run): the firmware-like BnnDriver loads the image through the Hal and streams
// the images in batches; the job then compares the hardware's predictions with the golden
// ones (they must agree on every image for the job to pass).
// When the driver gives a batch up after an error (BnnRunResult::failures, e.g. an injected
// memory.fault), its images are not classified: they count as wrong in the hardware
// accuracy and as disagreeing with the golden reference (the job fails, exit 1), and the
// summary and the report list their indices and the cause.
#pragma once

#include "cimvp/config.h"
#include "cimvp/circuit/ppa_tech.h"
#include "cimvp/platform/job.h"
#include "cimvp/workloads/bnn.h"
#include "cimvp/workloads/bnn_driver.h"
#include "cimvp/workloads/dataset.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cimvp {

class PipelineTiming;
struct RramComparison;

struct CimInferenceConfig {
  std::string weights = "fmnist-xnor.bnn";  ///< .bnn path, or the name of a shipped weight file
  std::string dataset = "fashion-mnist";    ///< fashion-mnist | mnist (test split)
  std::uint64_t images = 0;                 ///< test images to run (0 = all)
  unsigned batch = 1000;                    ///< images per START
  unsigned calibration_samples = 1000;      ///< training images for the nonlinear MLSA references
  /// true: the test images are placed in DRAM before the simulation (as a boot loader would
  /// load a file) and the driver streams them from there; false: the driver copies every
  /// batch with write_block (simulated CPU copy, double-buffered).
  bool preload = true;
  bool progress = true;                     ///< progress bar on stderr when it is a terminal
  /// dma: the host DMA moves every chunk of images into the macro's activation buffer and
  /// the sums back (needs `dma` and `cim_buffer` targets); master: the macro's own bus
  /// master reads the images and writes the sums (docs/cim-macro.md).
  std::string transfer = "dma";
  /// Support drop levels (per mille, 0..1000, comma-separated, e.g. "0,250,500"): the test
  /// set runs once per level, the driver writing SUPPORT_DROP between the passes (no reload),
  /// and the summary prints the drop-level trade-off table.  Empty: one pass at level 0
  /// (without touching SUPPORT_DROP).  Needs a network with supports.
  std::string drop_levels;
  /// Conv networks (binarized first layer): also stream the first test image through the
  /// network's layer pipeline (PipelineTiming) and report T_pip beside the non-pipelined
  /// latency (docs/convolution.md, "Hardware").
  bool pipeline = false;
  /// Print the seed's CNN-vs-BCNN RRAM estimate of LeNet/MNIST (RramComparison).
  bool rram_comparison = false;
};

/// Parses cim_inference.drop_levels; throws ConfigError naming the key and the allowed values.
std::vector<unsigned> parse_drop_levels(const std::string& text);

class CimInference : public Job {
 public:
  /// Throws ConfigError (exit 2) for a bad or missing weight file, a missing data set, an
  /// image size the network does not take, a cell mode other than the platform's, or a
  /// platform without a "cim" target.
  CimInference(const CimInferenceConfig& config, const PlatformConfig& platform);
  ~CimInference() override;

  std::string name() const override { return "cim_inference"; }
  /// Preloads the test images into the platform's memory (when `preload` is set).
  void attach(Platform& platform) override;
  /// Places the test images in DRAM when `preload` is set: `memory` is the backing store of
  /// the platform's Memory (bus address of byte 0 = the "memory" range base), `size` its bytes.
  void preload_images(std::uint8_t* memory, std::uint64_t size);
  void run(Hal& hal) override;
  /// The driver finished and hardware == golden on every image.
  bool passed() const override;
  std::string verdict() const override;
  bool classifies() const override { return true; }
  double accuracy_fraction() const override { return acc_hw_; }
  std::string summary() const override;
  nlohmann::ordered_json results() const override;

  double ideal_accuracy() const { return acc_ideal_; }
  double golden_accuracy() const { return acc_golden_; }
  double hardware_accuracy() const { return acc_hw_; }
  std::size_t agreements() const { return agree_; }
  std::size_t images() const { return data_.size(); }
  const Dataset& dataset() const { return data_; }
  const std::vector<std::uint32_t>& hardware_predictions() const { return hw_; }
  const std::vector<std::uint32_t>& golden_predictions() const { return golden_; }
  const std::vector<std::uint32_t>& ideal_predictions() const { return ideal_; }
  const BnnNetwork& network() const { return net_; }
  /// Binary multiply-accumulates of one inference (Σ_l planes_l · K_l · M_l).
  std::uint64_t binary_macs_per_image() const;
  /// Wall-clock seconds of the host program (load + streaming) and of the streaming alone.
  double wall_seconds() const { return wall_s_; }
  const std::string& error() const { return error_; }
  /// Bus address of the preloaded test images (image i at + i · pixels), 0 without preload.
  std::uint64_t images_address() const { return config_.preload ? images_addr_ : 0; }
  /// Indices of the images the driver could not classify (ascending).
  const std::vector<std::size_t>& unclassified() const { return unclassified_; }
  /// The batches the driver gave up, with the device's error.
  const std::vector<BnnBatchFailure>& failures() const { return failures_; }
  /// Retries the driver needed, and every error it saw (retried or not).
  std::uint64_t retries() const { return retries_; }
  const std::vector<std::string>& driver_errors() const { return driver_errors_; }
  /// One pass of the test set at a support drop level.
  struct LevelResult {
    unsigned drop_permille = 0;
    double acc_ideal = 0, acc_golden = 0, acc_hw = 0;
    std::size_t agree = 0;
    std::uint64_t dac_programmings = 0, dac_conversions = 0, support_reads = 0;
    double inference_ns = 0;  ///< simulated time of the pass
    double energy_pj = 0;     ///< dynamic energy of the pass (every priced module)
  };
  const std::vector<LevelResult>& drop_results() const { return levels_; }
  /// The drop-level trade-off table (empty without drop levels).
  std::string drop_table() const;
  /// The macro's per-layer PPA rows (K, M, sub-arrays, reads, energy, latency, critical path),
  /// merged over the priced modules; printed in the summary with `pipeline`.
  std::string layer_ppa_lines() const;

 private:
  CimInferenceConfig config_;
  std::string weights_path_;
  std::vector<std::string> warnings_;  ///< reported (cimvp/cim_inference) when the job runs
  BnnNetwork net_;
  Dataset data_;
  std::uint64_t macro_base_ = 0;
  unsigned irq_line_ = 1;
  std::uint64_t dma_base_ = 0, abuf_base_ = 0;  // transfer dma: HostDma registers, buffer window
  std::size_t vectors_per_start_ = 0;
  CimNetworkImage image_;
  std::uint64_t buffer_base_ = 0, buffer_bytes_ = 0;
  std::uint64_t memory_base_ = 0;   // bus address of the memory window
  std::uint64_t images_addr_ = 0;   // bus address of the preloaded images
  bool preloaded_ = false;
  std::vector<std::uint32_t> ideal_, golden_, hw_;
  double acc_ideal_ = 0, acc_golden_ = 0, acc_hw_ = 0;
  std::size_t agree_ = 0;
  double load_ns_ = 0, infer_ns_ = 0, wall_s_ = 0, infer_wall_s_ = 0;
  std::uint64_t batches_ = 0;
  std::vector<std::size_t> unclassified_;
  std::vector<BnnBatchFailure> failures_;
  std::uint64_t retries_ = 0;
  std::vector<std::string> driver_errors_;
  bool ran_ = false;
  std::string error_;
  std::vector<unsigned> drop_levels_;
  std::vector<std::vector<std::uint32_t>> golden_at_;  ///< golden predictions per drop level
  std::vector<double> ideal_acc_at_, golden_acc_at_;
  std::vector<LevelResult> levels_;
  TechParams tech_;
  bool has_tech_ = false;
  bool reused_calibration_ = false;  ///< the golden network came calibrated from precalibrate()
  class Platform* platform_ = nullptr;
  MappingConfig pipeline_mapping_;                    ///< the macro's mapping (PipelineTiming makes it ideal)
  std::unique_ptr<PipelineTiming> timing_;     ///< config_.pipeline
  std::unique_ptr<RramComparison> rram_;     ///< config_.rram_comparison
};

/// Loads both splits of data set `name` into a process-wide cache that every CimInference
/// built afterwards reads instead of the files (a sweep warms it once before it forks its
/// points, docs/sweeps.md).  Not thread-safe; throws DatasetError as load_dataset.
void preload_dataset(const std::string& name);

/// The calibration a CimInference with `config` on `platform` (the configuration as the run
/// resolves it: tech timing and linear range applied) needs, as a string key: the resolved
/// weights path, the data set, cim_inference.calibration_samples, the schema's echo of every
/// cim.* key except those of timing, transfers and pricing (cim.clock_period_ns,
/// cim.power_gating, cim.array.read_ns, cim.sense.decision_ns, cim.drive.dac_ns,
/// cim.two_way.*_ns, cim.accumulate.*, cim.buffer.*, cim.controller.*, cim.master.*), the
/// seed and the technology.
/// Equal keys mean the same calibrated golden network (docs/sweeps.md, "Calibration reuse").
std::string calibration_key(const CimInferenceConfig& config, const PlatformConfig& platform);
/// Builds the golden network of (config, platform) and, when its sensing needs calibration
/// (nonlinear MLSA, calibrated ADC), calibrates it on the training images and keeps it in a
/// process-wide cache under calibration_key: every CimInference built afterwards in this
/// process (or in a child forked after it) with the same key copies it instead of
/// calibrating (results()["calibration_reused"]).  Returns whether the cache holds it.
/// Not thread-safe; ConfigError for a weight file or data set that cannot be read.
bool precalibrate(const CimInferenceConfig& config, const PlatformConfig& platform);

}  // namespace cimvp
