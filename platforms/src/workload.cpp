#include "cimvp/platform/workload.h"

#include "cimvp/platform/cim_config.h"

namespace cimvp {

Schema<WorkloadConfig> workload_schema(const std::string& prefix) {
  Schema<WorkloadConfig> s;
  s.add(prefix + "job", &WorkloadConfig::job)
      .one_of({"auto", "cim_inference", "dma_selftest", "two_way_training"})
      .describe("Job the host runs; auto = cim_inference when the platform maps a `cim` target, else dma_selftest "
                "(cim_inference.* or two_way_training.* keys are then an error); "
                "two_way_training = on-chip training on a two-way array (docs/two-way-training.md).");
  s.add(prefix + "dma_selftest.copies", [](auto& w) -> auto& { return w.dma_selftest.copies; })
      .range(1u, 100000u)
      .describe("DMA copies; the first six are fixed edge cases (lengths 1, 3, 63, 64, 65, 1000).");
  s.add(prefix + "dma_selftest.max_bytes", [](auto& w) -> auto& { return w.dma_selftest.max_bytes; })
      .with_unit("bytes").range(1u, 16u << 20)
      .describe("Longest copy; random copies are 1 .. max_bytes long at random offsets.");
  s.add(prefix + "dma_selftest.corrupt_copies", [](auto& w) -> auto& { return w.dma_selftest.corrupt_copies; })
      .describe("Overwrite one copied byte in the first n copies before checking (tests the failure path).");
  s.add(prefix + "dma_selftest.progress_s", [](auto& w) -> auto& { return w.dma_selftest.progress_s; })
      .with_unit("s").range(0.0, 3600.0)
      .describe("Wall-clock seconds between progress lines on stderr during the copies (0 = none); "
                "stdout and the report do not change.");
  s.add(prefix + "cim_inference.weights", [](auto& w) -> auto& { return w.cim_inference.weights; })
      .describe("Network (.bnn file); a plain name that is not a file here is a shipped one (workloads/weights/). "
                "synthetic-vgg8: a generated SYNTHETIC VGG-8-shaped BCNN on 32x32x3 (random weights, seed 1; "
                "docs/convolution.md).");
  s.add(prefix + "cim_inference.dataset", [](auto& w) -> auto& { return w.cim_inference.dataset; })
      .one_of({"fashion-mnist", "mnist", "synthetic-32x32x3"})
      .describe("Data set: its test split is classified, its training split calibrates the MLSAs. "
                "synthetic-32x32x3: SYNTHETIC random 32x32x3 images with random labels (1,000 test, 256 train; "
                "for synthetic-vgg8, accuracy meaningless).");
  s.add(prefix + "cim_inference.images", [](auto& w) -> auto& { return w.cim_inference.images; })
      .describe("Test images to classify (the first n; 0 = all).");
  s.add(prefix + "cim_inference.batch", [](auto& w) -> auto& { return w.cim_inference.batch; })
      .range(1u, 1000000u)
      .describe("Images per START of the macro (the driver double-buffers batches).");
  s.add(prefix + "cim_inference.calibration_samples", [](auto& w) -> auto& { return w.cim_inference.calibration_samples; })
      .describe("Training images on which the nonlinear MLSA references are placed.");
  s.add(prefix + "cim_inference.preload", [](auto& w) -> auto& { return w.cim_inference.preload; })
      .describe("Place the test images in DRAM before the run (true) or let the driver copy every batch (false).");
  s.add(prefix + "cim_inference.transfer", [](auto& w) -> auto& { return w.cim_inference.transfer; })
      .one_of({"dma", "master"})
      .describe("Who moves images and sums: dma = the host DMA, between DRAM and the macro's activation buffer "
                "(`cim_buffer` target), overlapped with compute; master = the macro's own bus master.");
  s.add(prefix + "cim_inference.drop_levels", [](auto& w) -> auto& { return w.cim_inference.drop_levels; })
      .describe("Support drop levels per mille, comma-separated (e.g. \"0,250,500,750\"), each 0..1000: the test "
                "set runs once per level (SUPPORT_DROP written between passes, no reload) and a drop-level "
                "trade-off table is printed; empty = one pass. Needs a network with supports.");
  s.add(prefix + "cim_inference.pipeline", [](auto& w) -> auto& { return w.cim_inference.pipeline; })
      .describe("Conv networks with a binarized first layer: also stream the first test image through the network's "
                "layer pipeline (line buffers, one crossbar set per layer; docs/line-buffers.md) and report its "
                "latency T_pip beside the seed's formula and the non-pipelined layer-by-layer latency; the summary "
                "also lists the macro's per-layer PPA rows.");
  s.add(prefix + "cim_inference.rram_comparison", [](auto& w) -> auto& { return w.cim_inference.rram_comparison; })
      .describe("Print the CNN-vs-BCNN RRAM estimate (Tang et al., ASP-DAC 2017; technology file rram, converters "
                "as cimvp-rram-estimate --columns-per-converter 0 --shared-row-dacs) of the shapes of the network "
                "the job runs; beside the published values when those shapes are the seed's LeNet on MNIST.");
  s.add(prefix + "cim_inference.progress", [](auto& w) -> auto& { return w.cim_inference.progress; })
      .describe("Progress bar on stderr when it is a terminal.");
  // two_way_training (docs/two-way-training.md, "Platform job"; FixedPointTrainConfig in
  // workloads/two_way_train.h for the fixed-point fields)
  s.add(prefix + "two_way_training.dataset", [](auto& w) -> auto& { return w.two_way_training.dataset; })
      .one_of({"fashion-mnist", "mnist"})
      .describe("Data set: the network trains on its training split and is tested on its test split.");
  s.add(prefix + "two_way_training.layers", [](auto& w) -> auto& { return w.two_way_training.layers; })
      .describe("MLP widths separated by '-', inputs first: the first is the 784 pixels, the last the 10 classes "
                "(e.g. 784-512-512-10).");
  s.add(prefix + "two_way_training.epochs", [](auto& w) -> auto& { return w.two_way_training.epochs; })
      .range(1u, 1000u)
      .describe("Training epochs; the test split is evaluated on chip after each.");
  s.add(prefix + "two_way_training.batch", [](auto& w) -> auto& { return w.two_way_training.batch; })
      .range(1u, 100000u)
      .describe("Mini-batch size (samples per training step); the last incomplete mini-batch of an epoch is "
                "skipped; also the chunk of the on-chip test evaluation.");
  s.add(prefix + "two_way_training.train_images", [](auto& w) -> auto& { return w.two_way_training.train_images; })
      .describe("Training images used (the first n; 0 = all).");
  s.add(prefix + "two_way_training.test_images", [](auto& w) -> auto& { return w.two_way_training.test_images; })
      .describe("Test images evaluated after every epoch (the first n; 0 = all).");
  s.add(prefix + "two_way_training.seed", [](auto& w) -> auto& { return w.two_way_training.seed; })
      .describe("Seed of the initial latent weights (std::mt19937_64) and of the per-epoch shuffling.");
  s.add(prefix + "two_way_training.lr_shift", [](auto& w) -> auto& { return w.two_way_training.lr_shift; })
      .range(0u, 30u)
      .describe("Learning rate 2^-lr_shift (of the first epoch, see lr_shift_final): sgd: latent += round(gradient / "
                "2^lr_shift); normalized: see optimizer.");
  s.add(prefix + "two_way_training.error_bits", [](auto& w) -> auto& { return w.two_way_training.error_bits; })
      .range(1u, 8u)
      .describe("Bits of every error driven into a transposed read (two's complement, ERROR_BITS).");
  s.add(prefix + "two_way_training.latent_bits", [](auto& w) -> auto& { return w.two_way_training.latent_bits; })
      .range(2u, 16u)
      .describe("Width of the saturating fixed-point latent weights (int16 storage).");
  s.add(prefix + "two_way_training.target_half", [](auto& w) -> auto& { return w.two_way_training.target_half; })
      .range(0, 1 << 20)
      .describe("Logit target magnitude in half PS units: +t for the label, -t for the other classes.");
  s.add(prefix + "two_way_training.output_shift", [](auto& w) -> auto& { return w.two_way_training.output_shift; })
      .range(0u, 30u)
      .describe("Output error = floor((t - s) / 2^output_shift), saturated to error_bits.");
  s.add(prefix + "two_way_training.hidden_shift", [](auto& w) -> auto& { return w.two_way_training.hidden_shift; })
      .range(0u, 30u)
      .describe("Hidden error = floor(transposed sum / 2^hidden_shift), saturated to error_bits.");
  s.add(prefix + "two_way_training.ste_window_half", [](auto& w) -> auto& { return w.two_way_training.ste_window_half; })
      .range(0, 1 << 20)
      .describe("Straight-through estimator window on |pre-activation| in half PS units: hidden errors outside "
                "it are 0.");
  s.add(prefix + "two_way_training.pixel_threshold", [](auto& w) -> auto& { return w.two_way_training.pixel_threshold; })
      .range(0u, 255u)
      .describe("Input binarization: pixel >= threshold drives +1, else -1.");
  s.add(prefix + "two_way_training.lr_shift_final", [](auto& w) -> auto& { return w.two_way_training.lr_shift_final; })
      .range(0u, 30u)
      .describe("lr_shift of the last epoch; epoch e of E uses lr_shift + round(e (lr_shift_final - lr_shift) / "
                "(E - 1)) (a step decaying by powers of 2). 0 = lr_shift in every epoch.");
  s.add(prefix + "two_way_training.input_bits", [](auto& w) -> auto& { return w.two_way_training.input_bits; })
      .range(0u, 8u)
      .describe("First-layer input: 0 = binarized at pixel_threshold; 1..8 = bit-serial, the input_bits MSBs of "
                "each pixel as unipolar bit planes (the gradient uses the integer pixel value).");
  s.add(prefix + "two_way_training.ste_window_first_half",
        [](auto& w) -> auto& { return w.two_way_training.ste_window_first_half; })
      .range(0, 1 << 20)
      .describe("STE window on the first layer's absolute pre-activation (half PS units) when input_bits > 0; 0 = "
                "ste_window_half x (2^input_bits - 1).");
  s.add(prefix + "two_way_training.error_autoscale", [](auto& w) -> auto& { return w.two_way_training.error_autoscale; })
      .describe("Dynamic error scaling: each layer's errors of a step are shifted right by the smallest shift that "
                "fits them all into error_bits (output_shift and hidden_shift are then unused).");
  s.add(prefix + "two_way_training.error_round", [](auto& w) -> auto& { return w.two_way_training.error_round; })
      .describe("Error scaling rounds (halves up) instead of flooring: output and hidden errors = round(value / "
                "2^shift) rather than floor (floor biases every error by -1/2 LSB).");
  s.add(prefix + "two_way_training.loss", [](auto& w) -> auto& { return w.two_way_training.loss; })
      .one_of({"squared", "hinge"})
      .describe("Output loss: squared = error t - s on every logit; hinge = t - s only where the margin is "
                "violated (squared hinge loss).");
  s.add(prefix + "two_way_training.optimizer", [](auto& w) -> auto& { return w.two_way_training.optimizer; })
      .one_of({"sgd", "normalized", "adam"})
      .describe("Latent update: sgd = round(G / 2^lr_shift); normalized = per layer and step, G scaled by a power "
                "of 2 so the mean absolute step is about 2^-lr_shift of the latent half range; adam = per weight, "
                "integer first and second moments, each step about 2^-lr_shift of the latent half range "
                "(docs/two-way-training.md).");
  s.add(prefix + "two_way_training.momentum_shift", [](auto& w) -> auto& { return w.two_way_training.momentum_shift; })
      .range(0u, 15u)
      .describe("Momentum as an exponential average of the steps over about 2^momentum_shift steps (int32 per "
                "weight); 0 = off.");
  s.add(prefix + "two_way_training.adam_beta1_shift",
        [](auto& w) -> auto& { return w.two_way_training.adam_beta1_shift; })
      .range(1u, 15u)
      .describe("optimizer adam: first moment averaged over about 2^adam_beta1_shift steps (beta1 = 1 - 2^-shift).");
  s.add(prefix + "two_way_training.adam_beta2_shift",
        [](auto& w) -> auto& { return w.two_way_training.adam_beta2_shift; })
      .range(1u, 20u)
      .describe("optimizer adam: second moment averaged over about 2^adam_beta2_shift steps (beta2 = 1 - 2^-shift).");
  s.add(prefix + "two_way_training.learn_thresholds",
        [](auto& w) -> auto& { return w.two_way_training.learn_thresholds; })
      .describe("Learned per-neuron hidden thresholds (the batch-norm shift): integer adam on -sum of the "
                "neuron's gated errors, the tables written into the macro by its THRESHOLDS command "
                "(optimizer must be adam; docs/two-way-training.md).");
  s.add(prefix + "two_way_training.threshold_gain_shift",
        [](auto& w) -> auto& { return w.two_way_training.threshold_gain_shift; })
      .range(0u, 8u)
      .describe("learn_thresholds: each threshold's step is 2^threshold_gain_shift x about ste_window x 2^-lr_shift "
                "PS units.");
  s.add(prefix + "two_way_training.transfer", [](auto& w) -> auto& { return w.two_way_training.transfer; })
      .one_of({"dma", "master"})
      .describe("Who moves mini-batches, kept sums, errors, transposed sums and row records: dma = the host DMA "
                "between DRAM and the macro's activation buffer (`cim_buffer` target); master = the macro's own "
                "bus master.");
  s.add(prefix + "two_way_training.golden", [](auto& w) -> auto& { return w.two_way_training.golden; })
      .describe("Run the golden fixed-point step beside every step and fail unless the chip's step is "
                "bit-identical (about doubles the wall time).");
  s.add(prefix + "two_way_training.progress", [](auto& w) -> auto& { return w.two_way_training.progress; })
      .describe("Progress on stderr: a bar on a terminal, a line every 10 % of an epoch otherwise.");
  return s;
}

WorkloadConfig load_workload(const PlatformSource& platform, const std::string& workload_file,
                             const std::vector<std::string>& overrides) {
  const Schema<WorkloadConfig> schema = workload_schema();
  const Schema<WorkloadConfig> prefixed = workload_schema("workload.");
  WorkloadConfig w = schema.defaults();
  ConfigOrigin origin;
  for (const PlatformSource& p : platform_chain(platform)) prefixed.apply_yaml(w, p.text, p.source, origin, "workload");
  if (!workload_file.empty()) schema.apply_yaml(w, read_text_file(workload_file, "workload file"), workload_file, origin);
  for (const auto& o : overrides) {
    if (!is_workload_override(o)) continue;
    prefixed.apply_set(w, o, origin);  // errors and hints name the full "workload.…" key
  }
  schema.finish(w, origin);
  return w;
}

std::unique_ptr<Job> make_job(const WorkloadConfig& workload, const PlatformConfig& platform) {
  const std::string job = workload.job != "auto" ? workload.job : has_cim(platform) ? "cim_inference" : "dma_selftest";
  if (workload.job == "auto" && job == "dma_selftest") {
    // `auto` picked the DMA self-test (no `cim` target): inference or training settings
    // would be ignored without a word, so they are an error (docs/configuration.md)
    const auto schema = workload_schema();
    const nlohmann::ordered_json given = schema.to_json(workload), defaults = schema.to_json(WorkloadConfig{});
    for (const char* other : {"cim_inference", "two_way_training"})
      if (given.contains(other) && given[other] != defaults[other])
        throw ConfigError("", "job",
                          std::string("workload.") + other + ".* keys are set, but job auto runs dma_selftest on this "
                          "platform (its address_map has no 'cim' target); map a CIM macro or set workload.job");
  }
  if (job == "dma_selftest") return std::make_unique<DmaSelfTest>(workload.dma_selftest, platform);
  if (job == "cim_inference") return std::make_unique<CimInference>(workload.cim_inference, platform);
  if (job == "two_way_training") return std::make_unique<TwoWayTraining>(workload.two_way_training, platform);
  throw ConfigError("", "job", "unknown job '" + workload.job + "'");
}

}  // namespace cimvp
