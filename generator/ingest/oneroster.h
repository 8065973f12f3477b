// OneRoster 1.1 and 1.2 CSV bulk sets (1EdTech) as the roster, and their gradebook as
// marks (docs/import-formats.md, "OneRoster"): the set's files are turned into tables of
// the tabular profile, so the records are read and checked as every other input's, and
// each message names the OneRoster file, row and column. A tabular file beside the set
// gives its section instead (what OneRoster cannot say: lessons with topics, homework,
// attendance, the director...). The `metadata.journalpress.*` columns journalpress's own
// export adds (extension fields, as the specification allows) carry what OneRoster has no
// field for, so that an export imports back whole.
#pragma once

#include <string>
#include <vector>

#include "core/diag.h"
#include "ingest/table.h"

namespace jp {

/// Whether a file name is one of a OneRoster set's (`users.csv`, `manifest.csv`, ...).
bool oneroster_file(const std::string& path);

/// Whether the tables hold a OneRoster set: a manifest.csv, or users.csv and orgs.csv.
bool has_oneroster(const std::vector<Table>& tables);

/// Replaces the OneRoster tables among `tables` by tables of the tabular profile (with
/// their places in the OneRoster files); problems of the set itself (a file the manifest
/// calls bulk that is missing, delta files, a vocabulary term in the wrong case, a column
/// the specification does not have, a reference to nothing) are reported naming file,
/// row and column.
void oneroster_to_tabular(std::vector<Table>& tables, Diagnostics& diag);

}  // namespace jp

namespace jp {

/// A OneRoster file's columns in the order of the 1.2 CSV binding (1EdTech's 1.2.1 Final
/// Release: `users` -> sourcedId, status, dateLastModified, enabledUser, ...), for the files
/// journalpress reads and writes; empty for another.
const std::vector<std::string>& oneroster_columns(const std::string& file);

/// The 21 data files a 1.2 manifest lists (`file.academicSessions`, ...), in its order.
const std::vector<std::string>& oneroster_files();

/// The extension column prefix journalpress's export writes (`metadata.journalpress.`).
inline constexpr const char* kOneRosterMeta = "metadata.journalpress.";

}  // namespace jp
