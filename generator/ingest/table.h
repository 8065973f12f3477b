// The one shape every spreadsheet-like input is read into (ingest/csv, ingest/xlsx,
// ingest/xls): a named table of text cells, each row with the number a spreadsheet shows,
// so that a message can name the place (`marks!C17`, `marks.csv: row 17`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace jp {

struct TableRow {
  uint32_t number = 0;  ///< 1-based: the header is row 1 in a file that starts with it
  std::vector<std::string> cells;
};

struct Table {
  std::string file;   ///< the path as given
  std::string sheet;  ///< a workbook's sheet; empty for a CSV file
  std::vector<TableRow> rows;  ///< rows with at least one non-empty cell, in order
  std::string digest;          ///< SHA-256 of the bytes the table was read from
  /// A workbook's merged ranges, by their top-left cell: what they mean is the caller's
  /// (none in a record sheet's data; a journal grid's header may have them).
  struct Merge {
    size_t col = 0;
    uint32_t row = 0, last_row = 0;
    std::string ref;  ///< `A1:B2`
  };
  std::vector<Merge> merges;
  /// A table made from another format's (a OneRoster file turned into the tabular
  /// profile's `students`): its section, and for each of its columns the source column
  /// (npos: made, not copied) and that column's name, for the messages.
  std::string section;
  std::vector<size_t> origin_col;
  std::vector<std::string> origin_name;
};

/// `C` for column index 2 (0-based), `AA` for 26.
std::string column_letters(size_t col);

/// `marks!C17` (a sheet) or `C17`.
std::string cell_ref(const Table& t, size_t col, uint32_t row);

/// The 0-based column of a cell reference's letters (`C17` -> 2, row 17); false if `ref`
/// is not a cell reference.
bool parse_cell_ref(const std::string& ref, size_t& col, uint32_t& row);

}  // namespace jp
