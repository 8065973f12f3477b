// Stage 1: read `journalpress/1` JSON files into the typed journal model.
// Checks what can be checked one record at a time: syntax, required fields, types,
// id syntax, enumerations, date formats. Cross-record rules are `validate`'s.
#pragma once

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

/// Parses one document held in memory (for tests): `name` is used in diagnostics.
Journal load_journal_text(const std::string& name, const std::string& text, Diagnostics& diag);

/// The JSON pointer of a record, e.g. `/marks/12`.
std::string record_pointer(const char* section, const Src& src);

}  // namespace jp
