// The tabular profile, `journalpress-tabular/1` (docs/import-formats.md): the sections of
// journalpress/1 as tables, one CSV file or workbook sheet each, one row per record, the
// columns named by the fields' keys (or their Russian titles). Read and written through
// the one field description (core/records.h): a field added there is a column here.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "core/diag.h"
#include "core/journal.h"
#include "ingest/table.h"

namespace jp {

class ThreadPool;

/// The profile's tables in the order they are read and written: `school`, `year`,
/// `settings` (key, value), then the array sections, each nested array (`groups`,
/// `enrollments`) after its owner, with the owner's id as its first column.
const std::vector<std::string>& tabular_sections();

/// A table's columns, in order: the field keys, a person as `last_name`, `first_name`,
/// `middle_name` (the director's as `director.last_name`, ...).
std::vector<std::string> tabular_columns(const std::string& section);

/// The section a file or sheet name stands for (`marks`, `Отметки`, `marks.csv`), or "".
std::string tabular_section_of(const std::string& name);

/// Where each record came from, to put the diagnostics' JSON pointers back into the
/// tables' places: `marks.csv: row 17, column E (value)`, `book.xlsx: marks!E17 (value)`.
class TabularPlaces {
 public:
  /// Diagnostics with pointers into the tables.
  Diagnostics translate(const Diagnostics& d) const;

 private:
  friend class TabularReader;
  struct Source {
    const Table* table = nullptr;
    std::string section;
    std::map<std::string, size_t> columns;  ///< key -> 0-based column
  };
  std::vector<Source> sources_;  ///< by feed (Journal::files) index
  std::map<std::string, std::vector<size_t>> by_file_;
  /// (owner source, owner row, nested key) -> (nested source, row) of each element
  std::map<std::tuple<size_t, uint32_t, std::string>, std::vector<std::pair<size_t, uint32_t>>>
      nested_;
  /// The file and the place of `rest` (`value`, `enrollments/0/class`, `#7`) in a row.
  std::pair<std::string, std::string> place(size_t source, uint32_t row,
                                            const std::string& rest) const;
};

/// Reads the tables into a journal (records checked as the JSON reader checks them).
/// `tables` must outlive `places`. Tables whose name is no section are the caller's to
/// handle: they are left out here with a warning unless `quiet_unknown`. The large tables
/// are read on the pool's threads (none: in this thread).
Journal read_tabular(const std::vector<Table>& tables, Diagnostics& diag, TabularPlaces& places,
                     bool quiet_unknown = false, ThreadPool* pool = nullptr);

/// The rows of a section's table for a journal (header first), as `read_tabular` reads them
/// back: dates `YYYY-MM-DD`, lists separated by `, `, numbers with a point.
std::vector<std::vector<std::string>> tabular_rows(const Journal& j, const std::string& section);

/// The profile's Russian words (templates/tabular.ru.json): `sheets`, `columns`, `grid`.
const nlohmann::json& tabular_words();

/// Header cells compared as the profile compares them: lower case, `ё` as `е`, spaces
/// collapsed and trimmed.
std::string fold_name(std::string_view s);

}  // namespace jp
