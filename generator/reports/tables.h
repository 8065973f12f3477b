// The audit reports as titled tables of Russian text, made once from the figures
// (figures/audit.h) and formatted by each renderer: the HTML pages, the Excel workbook
// and the class's PDF show the same rows. Pure: no I/O.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/journal.h"
#include "figures/audit.h"

namespace jp {

struct ReportCell {
  ReportCell(std::string t = {}, std::string h = {}) : text(std::move(t)), href(std::move(h)) {}
  std::string text;
  std::string href;  ///< a link to another report page (HTML only)
};

struct ReportTable {
  std::string caption;
  std::string sheet;  ///< the worksheet's name in the school's workbook
  std::vector<std::string> head;
  std::vector<std::vector<ReportCell>> rows;
  std::vector<char> flagged;  ///< per row: highlighted (a change after the edit lock, ...)
  bool total_last = false;    ///< the last row is a total
  void add(std::vector<ReportCell> row, bool flag = false) {
    rows.push_back(std::move(row));
    flagged.push_back(flag);
  }
};

struct ReportSection {
  std::string id;  ///< `r1` ... `r10`, the HTML anchor
  std::string title, clause;
  std::vector<ReportTable> tables;
  std::string empty;  ///< said when no table has a row
  int problems = -1;  ///< the report's count of problems (-1: not a list of problems)
  bool has_rows() const;
};

struct ReportPage {
  std::string file;  ///< `index.html`, `class-5a.html`, `teacher-t1.html`
  std::string title;
  std::vector<std::string> about;  ///< lines under the heading (period, homeroom teacher, date)
  std::vector<ReportCell> links;   ///< files of the page (the workbook, the PDF)
  std::vector<ReportSection> sections;
};

/// File names inside `reports/`.
std::string class_report_file(const SchoolClass& c, const char* ext);
std::string teacher_report_file(const Teacher& t);

/// The school's index: scope, the classes with their counts of problems, the teachers
/// with problems, the results by class (report 9).
ReportPage index_page(const Journal& j, const SchoolAudit& a, Day today);
/// Reports 1-9 of one class.
ReportPage class_page(const Journal& j, const SchoolAudit& a, const ClassAudit& c, Day today);
/// Report 10 of one teacher: their problems from reports 1-7, with the class of each.
ReportPage teacher_page(const Journal& j, const SchoolAudit& a, const TeacherAudit& t, Day today);

/// The workbook's sheets: each table of reports 1-9 for every class (a class column
/// first) and the school's results, then report 10.
std::vector<ReportTable> workbook_tables(const Journal& j, const SchoolAudit& a);

}  // namespace jp
