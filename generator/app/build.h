// `journalpress build`: reads a dataset from the database and publishes the outputs.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "core/dates.h"
#include "publish/output.h"

namespace jp {

/// What a build wrote, output by output (for `nightly`'s summary).
struct BuildReport {
  std::vector<OutputCounts> outputs;
  bool site = false;  ///< the site was built (or found up to date)
  std::vector<std::string> warnings;  ///< what the build warned about (app/data_dates.h)
};

struct BuildOptions {
  std::string db, out, site_key, school, year, today, base_url;
  std::string sign_key, sign_cert, sign_chain;  ///< the archive's signer
  /// The key on a token or behind an engine (archive/signing_key.h), and long-term validation:
  /// a time-stamping authority and revocation data (archive/cms.h, SignerOptions).
  std::string pkcs11_module, pin_file, sign_engine, tsa, tsa_ca;
  std::vector<std::string> crls, ocsps;
  int tsa_timeout = 60;
  bool site = false, archive = false, extracts = false, letters = false;
  /// The audit reports for staff (DIR/reports/); not built unless asked for.
  bool reports = false;
  /// The extracts' period and scope (see extracts.h); --from and --to are the reports' too.
  std::string week, from, to;
  /// The reports' reporting period (a period id), and the share of lessons missed that
  /// lists a student in the attendance report, in percent.
  std::string period;
  double absence_threshold = 30;
  std::vector<std::string> classes, students;
  bool all = false, a5 = false;
  bool dry_run = false;
  bool allow_any_date = false;  ///< accept a --today outside the dataset's school year
  bool full = false;            ///< render every site page, even those whose inputs did not change
  /// `plain`, or `encrypted` (pages sealed; docs/site.md); the calendar and feed: `auto`
  /// (on in plain mode, off in encrypted mode), `on` or `off`.
  std::string site_mode = "plain", site_feeds = "auto";
  /// The process ends right after the build (the command line): the journal, its index
  /// and the site's state (~300 MB of small objects, ~0.3 s to free) are left to the
  /// operating system. Tests leave it off.
  bool exit_after = false;
  bool timings = false;
  /// Seconds to wait for another run building into the same --out (0: refuse at once).
  double wait_seconds = 0;
  /// This run as a waiting run is told (the command line).
  std::string command;
  unsigned threads = 0;
  BuildReport* report = nullptr;  ///< filled if given
};

int run_build(const BuildOptions& o, std::ostream& out);

struct RevokeOptions {
  std::string guardian, db, school, year;
};
int run_revoke(const RevokeOptions& o, std::ostream& out);

/// The school's today: now in the school's UTC offset, or `--today` when given.
Day school_today(const std::string& override_date, int offset_minutes);

}  // namespace jp
