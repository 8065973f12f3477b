// `journalpress nightly --config FILE`: what a school's cron job or systemd timer runs.
// Import the latest export, build every configured output for the school's today, publish
// the site to the web root, print one summary line. See docs/manual.md ("nightly").
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "app/build.h"
#include "app/import.h"

namespace jp {

/// Where the site goes after the build: a local folder, or HOST:PATH (rsync over ssh).
struct PublishTarget {
  std::string to;   ///< empty: the site is built and not published
  std::string ssh;  ///< the ssh command for a remote target (rsync -e); empty: rsync's own
};

struct NightlyOptions {
  std::string config_file;  ///< names the run in the logs and the summary
  ImportOptions import;     ///< `input` and the import settings of the file
  BuildOptions build;       ///< the build settings of the file
  PublishTarget publish;
  bool json = false;   ///< --log-format json: one JSON line per step, nothing else
  bool quiet = false;  ///< only the summary line (and, in text, what an error needs)
  /// The file sets allow-shrink: nightly ignores it (a shrink is imported by hand) and says so.
  bool shrink_in_file = false;
  bool older_in_file = false;  ///< the same for accept-older
  /// Secrets found readable by others and allowed by allow-shared-keys: said in the log.
  std::vector<std::string> key_warnings;
  /// --status-file: the run's record (app/run_record.h) is written there at its end.
  std::string status_file;
};

/// Exit codes (docs/manual.md): 0 done; 1 the input was refused (nothing built or
/// published); 2 an environment failure (a lock held, a build or a publish that failed).
int run_nightly(const NightlyOptions& o, std::ostream& out, std::ostream& err);

/// The files sent and deleted, from rsync's --itemize-changes lines.
struct RsyncCounts {
  size_t sent = 0, deleted = 0;
};
/// Counts one line of rsync's --itemize-changes output into `c`; false if it is not one
/// (a message, kept for the error).
bool count_rsync_line(const std::string& line, RsyncCounts& c);

}  // namespace jp
