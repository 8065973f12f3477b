// tests/golden/003_reports/in imported into a temporary database and read back: each
// problem of the audit reports planted once in 5А and 1А, 5Б clean (audit and reports
// tests).
#pragma once

#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/thread_pool.h"
#include "app/import.h"
#include "figures/audit.h"
#include "figures/diary.h"
#include "figures/summary.h"
#include "helpers.h"
#include "store/model.h"

namespace jp::test {

struct AuditFixture {
  std::filesystem::path dir = temp_path("audit");
  std::string db = (dir / "j.db").string();
  Journal journal;
  std::unique_ptr<DiaryIndex> index;
  ArchiveFigures figures;
  mutable ThreadPool pool{1};

  AuditFixture() {
    std::filesystem::create_directories(dir);
    ImportOptions io;
    io.inputs = {std::string(JP_SOURCE_DIR) + "/tests/golden/003_reports/in"};
    io.db = db;
    std::ostringstream out, err;
    if (run_import(io, out, err) != 0) throw std::runtime_error(err.str());
    journal = read_journal(db, choose_dataset(db, "", ""));
    index = std::make_unique<DiaryIndex>(journal);
    figures = archive_figures(journal, pool);
  }
  ~AuditFixture() { std::filesystem::remove_all(dir); }

  /// The reports of a period, as `build --reports --period ID --today 2024-01-10`.
  SchoolAudit audit(const std::string& period = "q2") const {
    AuditOptions o;
    o.period = period;
    o.today = *parse_date("2024-01-10");
    return school_audit(*index, o, figures, pool);
  }
};

}  // namespace jp::test
