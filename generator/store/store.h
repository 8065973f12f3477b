// Stage 4: the SQLite working store. Holds any number of (school, year) datasets and
// the state of earlier builds. The schema is in docs/database.md.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/diag.h"
#include "core/journal.h"

namespace jp {

constexpr int kSchemaVersion = 3;
/// `PRAGMA application_id`: "JPRS", so that a foreign SQLite file is recognised.
constexpr int kApplicationId = 0x4a505253;

struct ImportResult {
  long long dataset = 0;  ///< datasets.ds
  bool replaced = false;  ///< an earlier import of the same school and year was replaced
};

/// Writes a validated journal and its warnings in one transaction, replacing an earlier
/// import of the same school and year. On any failure nothing is changed (a database
/// file that did not exist before is removed again).
ImportResult store_journal(const std::string& db_path, const Journal& j,
                           const Diagnostics& warnings, const std::string& imported_at);

/// As store_journal, with the journal's rows written while the caller still checks it:
/// `checked` is called once they are in, before the commit, and returns the warnings to
/// store with them, or null when the journal turned out to be refused. Then nothing is
/// changed (as on a failure) and nullopt is returned. The rows are read from `j` while
/// `checked` has not returned: the caller's checks may only set fields no row holds.
/// `refused_early`, asked between tables, lets the store give up as soon as the checks have
/// refused the journal (then `checked` is not called).
std::optional<ImportResult> store_journal_when(const std::string& db_path, const Journal& j,
                                               const std::string& imported_at,
                                               const std::function<const Diagnostics*()>& checked,
                                               const std::function<bool()>& refused_early = {});

/// Throws a clear error unless `db_path` is a journalpress database of kSchemaVersion.
void check_database(const std::string& db_path);

/// Whether an import may write `db_path` while it still checks the journal
/// (store_journal_when): the database's folder exists (nothing is made that a refusal would
/// leave behind), and the file is missing or a journalpress database of kSchemaVersion
/// (reading it upgrades or refuses nothing). Read-only; false on any doubt.
bool ready_for_checked_store(const std::string& db_path);

/// The records of a dataset that an import must not lose unnoticed, table by table.
constexpr const char* kShrinkTables[] = {"students", "lessons", "marks", "attendance",
                                         "final_marks"};

/// Row counts of kShrinkTables in the stored dataset of this school and year; empty if
/// the database or the dataset does not exist yet.
std::vector<std::pair<std::string, long long>> stored_counts(const std::string& db_path,
                                                             const std::string& school_id,
                                                             const std::string& year_label);

/// What the stored dataset of this school and year was imported from.
struct StoredExport {
  std::string exported_at;     ///< as written in the export; empty if it had none
  std::string content_digest;  ///< the export's files and their digests (Journal::content_digest)
};
/// An import stored from an export of this content digest: what `import` says of it when
/// the same export comes again.
struct StoredImport {
  std::string school_id, school_name, year_label, exported_at;
  size_t students = 0, marks = 0, warnings = 0;
};
/// nullopt if the database does not exist, is empty, or holds no import of that digest.
std::optional<StoredImport> stored_import_of(const std::string& db_path,
                                             const std::string& content_digest);

/// nullopt if the database or the dataset does not exist yet.
std::optional<StoredExport> stored_export(const std::string& db_path, const std::string& school_id,
                                          const std::string& year_label);

/// Row counts of the journal tables for one dataset (for the summary and tests).
std::vector<std::pair<std::string, long long>> dataset_counts(const std::string& db_path,
                                                              long long dataset);

}  // namespace jp
