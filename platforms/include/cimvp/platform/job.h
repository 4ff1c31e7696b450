// A job is what the Host runs on an elaborated platform: a firmware-like program written
// against cimvp::Hal, plus its verdict and results for the console and the JSON report.
#pragma once

#include "cimvp/core/hal.h"

#include <nlohmann/json.hpp>

#include <string>

namespace cimvp {

class Platform;

class Job {
 public:
  virtual ~Job() = default;
  /// Called by Platform::run_job before the simulation, e.g. to place data in memory
  /// (Platform::memory.data()) as a boot loader would.  Default: nothing.
  virtual void attach(Platform& platform) { (void)platform; }
  /// Job kind as written in a workload file ("dma_selftest").
  virtual std::string name() const = 0;
  /// The driver program; runs in the Host's thread.
  virtual void run(Hal& hal) = 0;
  /// True when the job ran to its end and every check passed.
  virtual bool passed() const = 0;
  /// One line for the console ("8/8 copies verified, 6216 bytes").
  virtual std::string summary() const = 0;
  /// What the verdict rests on, shown next to PASS/FAIL ("hardware == golden on 300/300
  /// images; hardware accuracy 88.09 %"); empty when summary() already says it.
  virtual std::string verdict() const { return {}; }
  /// True for jobs that classify images (they report an accuracy; `--min-accuracy` applies).
  virtual bool classifies() const { return false; }
  /// Fraction of images the hardware classified correctly (classifies() jobs, after the run).
  virtual double accuracy_fraction() const { return 0.0; }
  /// Job results for the report's "job" object (deterministic key order).
  virtual nlohmann::ordered_json results() const = 0;
};

}  // namespace cimvp
