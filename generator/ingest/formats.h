// Which format an import's inputs are in, and reading them whatever it is: journalpress/1
// JSON (ingest/load), or the tabular profile as a folder of CSV files or an .xlsx workbook
// (ingest/tabular). `import` says what it detected and how many records of each kind.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/diag.h"
#include "core/journal.h"
#include "ingest/csv.h"
#include "ingest/tabular.h"

namespace jp {

class ThreadPool;

enum class InputFormat { detect, json, tabular, oneroster };

/// `auto`, `json`, `tabular`, `oneroster`; nullopt for anything else.
std::optional<InputFormat> parse_input_format(const std::string& name);

struct InputOptions {
  InputFormat format = InputFormat::detect;
  Encoding encoding = Encoding::detect;
  ThreadPool* pool = nullptr;  ///< files and tables parsed on its threads (none: this one)
};

/// What was read: the journal, and what to tell the user.
struct LoadedInput {
  Journal journal;
  InputFormat format = InputFormat::json;
  std::string detected;  ///< `journalpress/1 JSON, 3 files`, `journalpress-tabular/1, ...`
  size_t files = 0;
  /// Puts the diagnostics' places back into the input's own terms (a row and a column).
  std::shared_ptr<TabularPlaces> places;
  std::vector<Table> tables;  ///< what `places` points into
};

/// Reads the inputs in their format (detected unless given): a `.json` file or a folder of
/// them is journalpress/1; an `.xlsx` workbook, `.csv` files, or a folder of `.csv` files
/// (and no `.json`) is the tabular profile; such a folder with a OneRoster set's files
/// (manifest.csv, or users.csv and orgs.csv), or a `.zip` of them, is OneRoster.
void load_inputs(const std::vector<std::string>& paths, const InputOptions& o, LoadedInput& in,
                 Diagnostics& diag);

/// What the inputs' bytes say before anything is parsed.
struct InputDigest {
  std::string content_digest;  ///< as the journal read from them will have it
  size_t files = 0;
};
/// The content digest of inputs in journalpress/1 JSON, from the files' bytes alone (see
/// journal_files_digest); nullopt for the other formats (their tables are digested as they
/// are parsed) or when a path cannot be read: the import then reads them as usual.
std::optional<InputDigest> input_digest(const std::vector<std::string>& paths,
                                        const InputOptions& o);

/// `1 school, 1 year, 4 periods, 12 subjects, ...`: the records read, by kind.
std::string record_counts(const Journal& j);

}  // namespace jp
