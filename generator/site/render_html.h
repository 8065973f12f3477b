// Output 1 rendering: the diary pages as HTML bytes in memory, from mustache templates
// (templates/*.mustache, compiled once). No I/O; the site plan decides paths and the
// writer writes.
#pragma once

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/markdown.h"
#include "core/wording.h"
#include "figures/diary.h"
#include "figures/new_since.h"
#include "site/skeleton.h"

namespace jp {

/// The part of each lesson that is the same for every student of the class (subject,
/// teacher, topic, rendered homework), rendered once per build and shared by all
/// threads: a class's 30 students then cost one cmark and one template render per lesson.
class LessonFragments {
 public:
  LessonFragments(const DiaryIndex& index, const Locale& locale);
  /// `before_id` + student id + `after_id` + the student's part + `tail`.
  struct Fragment {
    std::string before_id, after_id, tail;
  };
  /// Rendered on first use (a nightly rebuild renders only the pages that changed, so
  /// most lessons are never needed); safe from several threads.
  const Fragment& operator[](int lesson) const {
    std::call_once(once_[size_t(lesson)], [&] { build(lesson); });
    return frags_[size_t(lesson)];
  }

 private:
  void build(int lesson) const;
  const DiaryIndex& ix_;
  const Locale& loc_;
  mutable std::vector<Fragment> frags_;
  std::unique_ptr<std::once_flag[]> once_;
};

class HtmlRenderer {
 public:
  /// One renderer per thread (kainjow keeps render state in its templates); `lessons`
  /// is shared. The renderer caches a student's navigation between calls.
  HtmlRenderer(const DiaryIndex& index, const Locale& locale, Day today,
               const LessonFragments* lessons = nullptr);
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
  /// Encrypted mode's site/index.html: the loader (loader.js) and its messages.
  std::string loader_page() const;
  /// `feeds`: the family's calendar.ics and feed.atom are published, and linked.
  std::string family_page(const Guardian& g, const std::vector<int>& children,
                          bool feeds = false) const;
  /// A week; `current` renders it as the `current` page (today marked, no link to itself).
  std::string week_page(int student, Day monday, bool current = false) const;
  std::string subject_page(int student, int subject) const;
  std::string results_page(int student) const;
  std::string attendance_page(int student) const;
  std::string notes_page(int student) const;
  std::string new_page(int student, const NewSince& since) const;

 private:
  struct Templates;
  std::string layout(const std::string& title, const std::string& heading,
                     const std::string& content, int student, const char* current,
                     const std::string& root) const;
  std::string class_name(int student, Day d) const;
  const std::string& nav(int student, const char* current) const;
  void student_part(std::string& out, int student, int lesson, bool unmarked) const;
  /// A template compiled into a skeleton, one per variant of its sections (cached).
  /// `make` gives the variables and the fixed data, asked only the first time (the names
  /// are string literals, kept as views).
  template <class Make>
  const Skeleton& skeleton(const char* name, int variant, Make make) const {
    auto key = std::make_pair(std::string_view(name), variant);
    auto it = skeletons_.find(key);
    if (it == skeletons_.end()) it = skeletons_.emplace(key, compile(name, make())).first;
    return it->second;
  }
  const Skeleton& skeleton(const char* name, int variant, const std::vector<std::string>& vars,
                           const kainjow::mustache::data& fixed) const {
    return skeleton(name, variant, [&] { return std::make_pair(vars, fixed); });
  }
  static Skeleton compile(const char* name,
                          std::pair<std::vector<std::string>, kainjow::mustache::data> how);
  mutable std::map<std::pair<std::string_view, int>, Skeleton> skeletons_;
  /// The skeletons of a lesson's row for a student (by which of its three parts it has), of
  /// a mark (plain, commented), of a day (by its sections) and of a subject's mark row,
  /// found once: they are asked for on every row of every page.
  mutable std::array<const Skeleton*, 8> row_skeletons_{};
  mutable std::array<const Skeleton*, 2> mark_skeletons_{};
  mutable std::array<const Skeleton*, 32> day_skeletons_{};
  mutable const Skeleton* mark_row_skeleton_ = nullptr;
  mutable std::array<const Skeleton*, 32> period_skeletons_{};  ///< a subject's period
  /// A child's page: the layout filled around the content that `content` appends to the
  /// page's string, which is the page (no copy of the content into the layout).
  template <class Content>
  std::string child_layout(const std::string& title, const std::string& heading, int student,
                           const char* current, const std::string& root, Content content) const;
  /// Texts asked for on every row of every page, worked out once per renderer.
  const std::string& date_long(Day d) const;
  const std::string& day_month(Day d) const;
  const std::string& weight_text(double weight) const;
  /// What a lesson's attendance record says: as on the week's page, or (short_form) as in
  /// the attendance page's list.
  const std::string& attendance_text(const Attendance& a, bool short_form = false) const;
  mutable std::unordered_map<Day, std::string> date_long_, day_month_;
  mutable std::deque<std::pair<double, std::string>> weights_;  ///< (references stay valid)
  mutable std::unordered_map<int, std::string> event_html_;  ///< an event's text as HTML
  const std::string& thresholds() const;        ///< the forecast's rule, as the page says it
  const std::string& period_range(int period) const;
  mutable std::optional<std::string> thresholds_;
  mutable std::unordered_map<int, std::string> period_ranges_;
  mutable std::map<std::tuple<std::string, std::string, int, bool>, std::string> attendance_texts_;
  /// The size of the largest child's page so far: the next page's string is reserved so.
  mutable size_t page_size_ = 16384;

  const DiaryIndex& ix_;
  const Journal& j_;
  const Locale& loc_;
  Day today_;
  std::unique_ptr<Templates> t_;
  const LessonFragments* lessons_;
  std::string no_work_type_, footer_;  ///< locale strings used on every page
  std::unique_ptr<LessonFragments> own_lessons_;
  struct StudentCache {
    std::vector<Day> weeks;
    std::vector<int> periods;
    bool unmarked = false;
    Day landing = 0;
    std::string name, class_today;  ///< as the layout shows them
  };
  /// Per-student figures used by every page of the student (computed once per student).
  const StudentCache& cache(int student) const;
  mutable int cache_student_ = -1;
  mutable StudentCache cache_;
  mutable int nav_student_ = -1;
  mutable std::array<std::string, 7> nav_cache_;  ///< by the section marked current
};

}  // namespace jp
