// Stage 1: read `journalpress/1` JSON files into the typed journal model.
// Checks what can be checked one record at a time: syntax, required fields, types,
// id syntax, enumerations, date formats. Cross-record rules are `validate`'s.
#pragma once

#include <memory>
#include <optional>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/diag.h"
#include "core/journal.h"

namespace jp {

class ThreadPool;

/// Expands each path (a `.json` file, or a directory searched recursively for `*.json`)
/// into a sorted list of files. Unreadable paths are reported as errors.
std::vector<std::string> expand_inputs(const std::vector<std::string>& paths, Diagnostics& diag);

/// Parses the files (on the pool's threads; without one, in this thread) and concatenates
/// their sections in file order. Records that fail a check are reported and left out.
Journal load_journal(const std::vector<std::string>& files, Diagnostics& diag,
                     ThreadPool* pool = nullptr);

/// The content digest (Journal::content_digest) that load_journal gives these files, from
/// their bytes alone (about 50 ms for the large school's 77 MB, against seconds to parse):
/// `import` compares it with the stored import's to leave an export it already has without
/// reading it. nullopt if a file cannot be read (the import then reads and reports it).
std::optional<std::string> journal_files_digest(const std::vector<std::string>& files,
                                                ThreadPool* pool = nullptr);

/// Parses one document held in memory (for tests): `name` is used in diagnostics.
Journal load_journal_text(const std::string& name, const std::string& text, Diagnostics& diag);

struct FeedState;

/// Records handed over one at a time as JSON objects by a reader of another format (the
/// tabular profile's rows, ingest/tabular), and read with every check the JSON reader
/// makes: one feed per input file, merged in file order by `merge_feeds`. A record's
/// pointer is `/section/index`; the caller chooses the index (a row's number) and
/// translates the pointers of the diagnostics back into its own places.
class RecordFeed {
 public:
  RecordFeed(std::string file, uint32_t file_ix, std::string digest);
  ~RecordFeed();
  RecordFeed(RecordFeed&&) noexcept;
  RecordFeed& operator=(RecordFeed&&) noexcept;

  /// An error the caller found in a field while making the object (`/marks/17/value`): the
  /// record holding it is reported with it and dropped, like a record the parser could
  /// not finish.
  void field_error(std::string pointer, std::string message);
  /// One element of an array section (`marks`, `students`); false if it was dropped.
  bool record(const std::string& section, const nlohmann::json& value, uint32_t index);
  /// `school`, `year`, `settings` (objects) or `exported_at` (a string).
  void object(const std::string& key, const nlohmann::json& value);
  /// A problem of the file as a whole (it cannot be read): cross-record rules are skipped.
  void unreadable(std::string pointer, std::string message);
  /// A warning about the file (not about a record).
  void warning(std::string code, std::string pointer, std::string message);
  /// What the feed has read so far (a grid's roster, before the feeds are merged).
  const Journal& journal() const;

 private:
  friend Journal merge_feeds(std::vector<RecordFeed>& feeds, Diagnostics& diag);
  std::string file_;
  uint32_t file_ix_;
  std::unique_ptr<FeedState> s_;
};

/// The feeds' records concatenated in feed order, as load_journal concatenates files:
/// the single sections (school, year, settings) in one feed only, unknown fields reported.
Journal merge_feeds(std::vector<RecordFeed>& feeds, Diagnostics& diag);

/// The JSON pointer of a record, e.g. `/marks/12`.
std::string record_pointer(const char* section, const Src& src);

}  // namespace jp
