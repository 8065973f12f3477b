// A region runs the nightly of many schools, one configuration file per school in one
// folder (`/etc/journalpress/schools/*.toml`), on a batch scheduler (deploy/slurm/). Two
// commands serve it: `region check DIR` checks every school's configuration as `config
// check` does, one line per school; `region status DIR --status STATUS` collects each
// school's record of its last run (`nightly --status-file`, app/run_record.h) into one
// region status, an owner-only HTML page and a JSON file. See docs/region.md.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace jp {

/// The schools' configuration files of a region folder: `DIR/*.toml`, sorted. Throws when
/// the folder cannot be read or holds none.
std::vector<std::string> region_configs(const std::string& dir);

/// The school's name in a region: its configuration file's name without `.toml`.
std::string school_of(const std::string& config_file);

/// Checks each school with `check` (its problem in words, or empty) and prints one line per
/// school (`school-3.toml: ok`, `school-4.toml: ...`); 1 if any is broken, else 0.
int run_region_check(const std::string& dir,
                     const std::function<std::string(const std::string&)>& check,
                     std::ostream& out);

struct RegionStatusOptions {
  std::string dir;     ///< the region's configuration folder
  std::string status;  ///< the folder of the runs' records (`<school>.json` each)
  std::string out;     ///< where region-status.json and region-status.html are written
};

/// Prints a line per school, writes the two files (owner-only); 1 if any school's last
/// run failed, was refused or is not recorded, else 0.
int run_region_status(const RegionStatusOptions& o, std::ostream& out);

}  // namespace jp
