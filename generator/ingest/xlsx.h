// Excel workbooks (.xlsx, Office Open XML) read with libzip (ingest/zip) and expat: shared
// and inline strings, numbers, dates stored as serial numbers (by the cell's number
// format), booleans, empty cells, every worksheet. The XML may declare no document type:
// entity declarations ("billion laughs") and external entities are refused, not expanded.
#pragma once

#include <string>
#include <vector>

#include "core/diag.h"
#include "ingest/table.h"
#include "ingest/zip.h"

namespace jp {

class ThreadPool;

/// Reads the worksheets of `file` in the workbook's order, one table each (the sheet's
/// name, its rows with their numbers). A date-formatted number becomes `YYYY-MM-DD`; a
/// formula gives its cached value, and one without (saved by a program that does not
/// compute formulas) is an error naming the cell (`marks!C17`), as is an error value
/// (`#N/A`). False, with errors, when the workbook cannot be read whole.
/// The sheets are parsed on the pool's threads (none: in this thread).
bool read_xlsx(const std::string& file, std::vector<Table>& out, Diagnostics& diag,
               const ZipLimits& limits = {}, ThreadPool* pool = nullptr);

/// The same for a workbook held in memory (`name` is used in messages).
bool read_xlsx_bytes(const std::string& name, std::string bytes, std::vector<Table>& out,
                     Diagnostics& diag, const ZipLimits& limits = {}, ThreadPool* pool = nullptr);

/// An .xlsx by its first bytes (a zip archive holding `xl/workbook.xml`).
bool looks_like_zip(const std::string& bytes);

}  // namespace jp
