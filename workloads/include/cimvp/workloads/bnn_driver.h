// Firmware-like driver of the CIM macro (docs/cim-macro.md, "Driver"), written against
// cimvp::Hal only (read32, write32, wait_irq, write_block, read_block), plus the toolchain
// step that lays a trained network out in memory the way the macro reads it.
#pragma once

#include "cimvp/cim/controller/cim_types.h"
#include "cimvp/core/hal.h"
#include "cimvp/workloads/bnn.h"
#include "cimvp/workloads/golden.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace cimvp {

/// The macro reported an error, or it cannot run the network (text says which and why).
class CimDriverError : public std::runtime_error {
 public:
  CimDriverError(const std::string& what, std::uint32_t code = cim_err::NONE)
      : std::runtime_error(what), code_(code) {}
  /// ERROR_CODE read from the macro (cim_err::NONE for driver-side checks).
  std::uint32_t code() const { return code_; }

 private:
  std::uint32_t code_;
};

/// The network as the macro reads it from memory: header + descriptors at `base`, then
/// per layer the packed weights, thresholds, flips and MLSA reference table.
struct CimNetworkImage {
  std::uint64_t base = 0;           ///< bus address of bytes[0] (= DESC)
  std::vector<std::uint8_t> bytes;  ///< the whole image
  CellMode mode = CellMode::xnor_8t;
  std::uint32_t layers = 0;
  std::uint32_t inputs = 0;         ///< bits the first layer reads per image: K, or a conv layer's input map
  std::uint32_t outputs = 0;        ///< M of the last layer
  InputFormat input_format = InputFormat::pixels_binarized;
  std::uint64_t input_bytes = 0;    ///< bytes of one input vector in memory
  /// Sense tables present: the image only fits a macro with exactly this geometry and sensing.
  bool has_tables = false;
  SubArrayConfig array;             ///< geometry of the tables (valid when has_tables)
  SenseConfig sense;                ///< kind / bits / quantization / full scale of the tables (valid when has_tables)
  /// Some layer carries supports (descriptor version 3 support section): needs a macro with
  /// a row-DAC drive stage (CAP_DRIVE).
  bool has_supports = false;
};

/// Toolchain: lays `net` out at bus address `base` (8-byte aligned).  Conv layers get a
/// version-4 descriptor with their ConvShape (docs/convolution.md, "Hardware"; the header
/// carries version 4 only when the network has a conv layer, else 3).  Layers with supports
/// get the descriptor's support section and their M × ⌈K/p⌉ code bytes (neuron-major); their
/// sense tables are written only when the sensing needs calibration (a calibrated ADC) —
/// otherwise the macro builds the nominal transfer functions over the drive range itself.  When `quantizers` is
/// given (a QuantizedNetwork of the same network, calibrated if its MLSAs are nonlinear),
/// every layer gets an MLSA reference table holding exactly its transfer functions
/// (MappedLayer::quantizers, per row block, plane and segment), so the macro senses
/// exactly like the golden reference; row_by_row access has no tables.  Without it the
/// macro uses its built-in linear / ideal references.  Throws std::invalid_argument for a
/// bad network, an unaligned base or an uncalibrated QuantizedNetwork.
CimNetworkImage build_cim_image(const BnnNetwork& net, std::uint64_t base,
                                const QuantizedNetwork* quantizers = nullptr);

struct BnnDriverConfig {
  std::uint64_t macro_base = 0x50000000;  ///< MMIO window of the macro
  unsigned irq_line = 1;                  ///< host interrupt line of the macro
  std::uint64_t buffer_base = 0;          ///< memory for the input / output double buffers
  std::uint64_t buffer_bytes = 0;         ///< size of that area
  unsigned batch = 1000;                  ///< input vectors per START (>= 1)
  /// false: the macro's own master reads the inputs and writes the sums (INPUT / OUTPUT are
  /// bus addresses).  true: the HostDma moves each chunk of inputs from memory into an input
  /// half of the macro's activation buffer and the sums from an output half back to memory,
  /// chained on the interrupts, ping-pong over the halves (IO_MODE buffer); chunks are at
  /// most `batch` vectors and at most what one half holds (CAP_BUF_IN / CAP_BUF_OUT).
  bool use_dma = false;
  std::uint64_t dma_base = 0x40000000;    ///< MMIO window of the HostDma (use_dma)
  unsigned dma_irq_line = 0;              ///< host interrupt line of the HostDma (use_dma)
  std::uint64_t abuf_base = 0x50100000;   ///< bus address of the activation buffer window (use_dma)
  /// Times a failed batch (error interrupt of the macro), DMA transfer (error interrupt of
  /// the HostDma) or host bus access of a batch is retried before the batch's vectors are
  /// given up (reported in BnnRunResult::failures and unclassified).
  unsigned retries = 1;
};

/// Prediction of an input the driver could not classify (BnnRunResult::unclassified).
constexpr std::uint32_t kUnclassified = 0xFFFFFFFFu;

/// A batch (master mode) or chunk (DMA mode) given up after its retries.
struct BnnBatchFailure {
  std::size_t first = 0;  ///< index of its first input
  std::size_t count = 0;  ///< inputs in it (all unclassified)
  std::string stage;      ///< "input DMA", "batch", "output DMA", "input copy", "sums read"
  std::string cause;      ///< the device's error: STATUS / ERR_CAUSE / ERROR_CODE and ERR_ADDR as read
};

struct BnnRunResult {
  /// arg-max class of every input; kUnclassified for the inputs of a failed batch
  std::vector<std::uint32_t> predictions;
  std::vector<std::int32_t> sums_half;     ///< N × M last-layer sums (half units), when kept
  std::uint64_t batches = 0;
  std::size_t vectors_per_start = 0;  ///< BATCH of every START but the last (DMA mode: the chunk size)
  std::vector<std::size_t> unclassified;  ///< indices of the inputs without a prediction, ascending
  std::vector<BnnBatchFailure> failures;  ///< the batches given up, in order
  std::uint64_t retries = 0;              ///< retries that were needed (successful or not)
  std::vector<std::string> errors;        ///< every error seen, retried or not, in order
};

class BnnDriver {
 public:
  /// Called after every batch with (vectors done, total).
  using Progress = std::function<void(std::size_t, std::size_t)>;

  /// Throws std::invalid_argument for batch 0.
  BnnDriver(Hal& hal, const BnnDriverConfig& config);

  /// Reads ID, VERSION and the CAP_* registers and checks that the macro can run `image`
  /// (cell mode; with tables, also rows, cols, access, group rows, MLSA bits, quantization).
  /// Throws CimDriverError.
  void probe(const CimNetworkImage& image);
  /// Copies the image to memory (write_block), writes DESC, enables the interrupts, issues
  /// CTRL.LOAD and waits for the interrupt; a bus error (host copy, or the load failing
  /// with BUS_ERROR) is retried config().retries times.  Throws CimDriverError (or BusError) when it still fails.
  void load(const CimNetworkImage& image);

  /// Streams n input vectors (image.input_bytes each, host memory) through the loaded
  /// network in batches: each batch is copied into one of two input buffers while the
  /// macro computes the previous one; the last layer's sums are read back and the class is
  /// argmax_j scale_j · (0.5·h_j) + bias_j (circuit::argmax_affine).
  /// Errors during a batch (an error interrupt of the macro or the DMA, read as
  /// ERROR_CODE / ERR_CAUSE and ERR_ADDR; a bus error of a host access) are retried
  /// config().retries times when they may be transient (DMA errors, BUS_ERROR, host bus
  /// errors; other macro codes are not retried); then the batch is given up: its inputs get kUnclassified,
  /// their indices go to unclassified and the cause to failures, and the stream goes on
  /// with the next batch.  No prediction is ever taken from a failed batch.
  BnnRunResult infer(const std::uint8_t* vectors, std::size_t n, const float* scale, const float* bias,
                     bool keep_sums = false, const Progress& progress = nullptr);
  /// The same for vectors already in memory at bus address `vectors_addr` (no copy).
  BnnRunResult infer_in_memory(std::uint64_t vectors_addr, std::size_t n, const float* scale, const float* bias,
                               bool keep_sums = false, const Progress& progress = nullptr);

  const BnnDriverConfig& config() const { return config_; }
  /// Writes SUPPORT_DROP (per mille, 0..1000): the supports in effect from the next START
  /// (between batches; no reload).  Throws CimDriverError for a level > 1000 or a macro
  /// without a row-DAC drive stage.
  void set_drop_level(unsigned drop_permille);

 private:
  BnnRunResult stream(const std::uint8_t* host, std::uint64_t addr, std::size_t n, const float* scale,
                      const float* bias, bool keep_sums, const Progress& progress);
  /// stream() with use_dma (workloads/drivers/bnn_driver_dma.cpp).
  BnnRunResult stream_dma(const std::uint8_t* host, std::uint64_t addr, std::size_t n, const float* scale,
                          const float* bias, bool keep_sums, const Progress& progress);
  /// Programs one HostDma copy and starts it; dma_wait waits for its interrupt, checks
  /// STATUS (throws on ERROR) and acknowledges it.
  void dma_copy(std::uint64_t src, std::uint64_t dst, std::uint64_t len);
  void dma_wait(const char* what);
  /// Marks inputs [first, first + count) of a given-up batch (predictions must already hold
  /// kUnclassified there).
  void give_up(BnnRunResult& res, std::size_t first, std::size_t count, const std::string& stage,
               const std::string& cause);
  /// Reads the int32 sums of k vectors (M each, little-endian) at bus address `sums`,
  /// classifies them (argmax_affine with scale, bias) and appends predictions (and the sums
  /// when keep_sums) to `res`.  Shared by the master and the DMA transfer modes.
  /// Two output areas (sums of `vectors` vectors of M outputs) and, when the driver copies
  /// the inputs (host), two input areas (vectors of vb bytes), 64-byte aligned in the
  /// driver's DRAM buffer; throws CimDriverError ("<what> needs N buffer bytes") when they do
  /// not fit.  Shared by the master and the DMA transfer modes.
  struct PingPong {
    std::uint64_t out[2], in[2];
  };
  PingPong ping_pong_areas(std::size_t vectors, std::size_t M, std::size_t vb, bool host, const std::string& what) const;
  void collect_sums(std::uint64_t sums, std::size_t k, std::uint32_t M, const float* scale, const float* bias,
                    bool keep_sums, BnnRunResult& res);
  std::uint32_t reg(std::uint32_t offset);
  void set_reg(std::uint32_t offset, std::uint32_t value);
  void set_reg64(std::uint32_t lo, std::uint64_t value);
  /// Waits for the interrupt, checks STATUS (throws on ERROR) and acknowledges it.
  void wait_done(const char* what);

  Hal& hal_;
  BnnDriverConfig config_;
  bool loaded_ = false;
  CimNetworkImage image_;  // layout facts of the loaded image (bytes dropped)
};

}  // namespace cimvp
