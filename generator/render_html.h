// Output 1 rendering: the diary pages as HTML bytes in memory, from mustache templates
// (templates/*.mustache, compiled once). No I/O; the site plan decides paths and the
// writer writes.
#pragma once

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "diary.h"
#include "wording.h"

namespace jp {

/// What was published before, for "new since the last publication".
struct NewSince {
  bool first = true;   ///< no earlier publication
  std::string since;   ///< when the earlier publication was made (school date, Russian)
  std::unordered_set<uint64_t> known;  ///< item keys of the earlier publication
};

/// Stable 64-bit keys of the items "new since" compares: a mark (id and value), a
/// final mark (student, subject, period, value), a remark (id and text).
uint64_t item_key(const Mark& m);
uint64_t item_key(const FinalMark& f);
uint64_t item_key(const Remark& r);

/// CommonMark to HTML with raw HTML omitted and unsafe links (javascript:, data:, ...) removed.
std::string markdown_html(const std::string& md);

class HtmlRenderer {
 public:
  HtmlRenderer(const DiaryIndex& index, const Locale& locale, Day today);
  ~HtmlRenderer();

  /// File names inside a family's folder (no directories: creating one costs 1-2 ms).
  static std::string week_file(const Student& s, Day monday);
  static std::string subject_file(const Student& s, const Subject& subj);
  /// current (this week), results, attendance, notes, new
  static std::string page_file(const Student& s, const char* page);

  /// The week shown first: the one containing `today`, clamped to the student's weeks.
  Day landing_week(int student) const;

  std::string root_page() const;          ///< site/index.html: nothing personal
  std::string empty_folder_page() const;  ///< an index.html that only stops directory listing
  std::string family_page(const Guardian& g, const std::vector<int>& children) const;
  /// A week; `current` renders it as the `current` page (today marked, no link to itself).
  std::string week_page(int student, Day monday, bool current = false) const;
  std::string subject_page(int student, int subject) const;
  std::string results_page(int student) const;
  std::string attendance_page(int student) const;
  std::string notes_page(int student) const;
  std::string new_page(int student, const NewSince& since) const;

 private:
  struct Templates;
  std::string layout(const std::string& title, const std::string& heading, const std::string& content,
                     int student, const char* current, const std::string& root) const;
  std::string class_name(int student, Day d) const;

  const DiaryIndex& ix_;
  const Journal& j_;
  const Locale& loc_;
  Day today_;
  std::unique_ptr<Templates> t_;
};

}  // namespace jp
