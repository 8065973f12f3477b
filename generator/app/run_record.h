// What one `nightly` run of a school did, as a JSON file (`nightly --status-file FILE`):
// written at the end of every run, whatever happened (also when the configuration itself
// was refused), so that a region's status (`region status`) can be collected from many
// schools' runs on many machines without reading their logs.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/build.h"

namespace jp {

struct RunRecord {
  std::string config;    ///< the school's configuration file
  std::string started;   ///< UTC, `2026-12-03T02:00:01Z`
  std::string finished;  ///< UTC
  double seconds = 0;
  int exit = 0;         ///< nightly's exit code: 0 done, 1 input refused, 2 failed
  std::string status;   ///< done, refused, failed
  std::string step;     ///< where a refused or failed run stopped (configuration, import, ...)
  std::string message;  ///< the summary line, or the error
  std::string detail;   ///< a refused import's errors (the first lines)
  bool published = false;
  std::string published_to;
  size_t students = 0, marks = 0, warnings = 0;
  std::vector<OutputCounts> outputs;
};

/// The record as one JSON object (keys in a fixed order, one line).
std::string run_record_json(const RunRecord& r);

/// Reads a record back; nullopt with `why` set when the text is not one.
std::optional<RunRecord> parse_run_record(const std::string& text, std::string& why);

/// Writes the record to `file` (owner-only, atomically), making its folder if needed.
void write_run_record(const std::string& file, const RunRecord& r);

}  // namespace jp
