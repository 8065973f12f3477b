// Shared by the unit tests: run the import stages on journal text held in memory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/diag.h"
#include "ingest/checks.h"
#include "ingest/load.h"
#include "ingest/validate.h"

namespace jp::test {

/// The corpus base journal (tests/corpus/base/*.json) as one file's text, plus `extra`
/// sections spliced in at the end (`"marks": [...]` etc., without braces).
std::string base_journal(const std::string& extra = "");

/// Runs load, validate and (if clean) the regulation checks; returns each diagnostic
/// formatted, in order.
std::vector<std::string> diagnose(const std::string& text, bool checks = true);

/// Only the diagnostics whose text contains `needle`.
std::vector<std::string> matching(const std::vector<std::string>& all, const std::string& needle);

/// The whole content of a file, as bytes.
std::string slurp(const std::filesystem::path& p);

/// A fresh path under the system temp directory, unique to this process and `name`
/// (removed first if it exists).
std::filesystem::path temp_path(const std::string& name);

/// Runs a shell command; returns its exit status, a newline, then its standard output
/// (standard error is dropped: poppler's warnings about libharu's ToUnicode maps).
std::string run_command(const std::string& cmd);

}  // namespace jp::test
