#include "print/render_pdf_journal.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <unordered_set>

#include "core/markdown.h"
#include "core/text.h"
#include "core/wording.h"
#include "figures/figures.h"

namespace jp {
namespace {

/// `12.02.2024 14:05` in the offset the moment was written in.
std::string moment(const std::optional<Timestamp>& ts, const std::string& raw) {
  if (!ts) return raw;
  const Locale& loc = Locale::ru();
  int64_t local = ts->utc + int64_t(ts->offset_minutes) * 60;
  int64_t secs = ((local % 86400) + 86400) % 86400;
  return fmt::format("{} {:02}:{:02}", loc.date_short(local_day(ts->utc, ts->offset_minutes)),
                     secs / 3600, secs / 60 % 60);
}

std::string dd_mm(Day d) { return fmt::format("{:02}.{:02}", day_of_month(d), month_of(d)); }

std::string code_of(const Settings& s, const Attendance& a) {
  std::string key = a.status == "late" ? "late" : a.reason.empty() ? "unexcused" : a.reason;
  auto it = s.attendance_codes.find(key);
  return it == s.attendance_codes.end() ? key : it->second;
}

class JournalDoc {
 public:
  JournalDoc(const DiaryIndex& ix, int class_ix, Day today, bool year_over)
      : ix_(ix),
        j_(ix.journal()),
        c_(class_ix),
        cls_(j_.classes[class_ix]),
        today_(today),
        year_over_(year_over),
        loc_(Locale::ru()),
        doc_(loc_.format("pdf.journal.doc_title", {{"class", cls_.name}, {"year", j_.year.label}}),
             school_label(j_),
             loc_.format("pdf.summary_subject", {{"class", cls_.name}, {"year", j_.year.label}})) {
    doc_.set_date(year_of(today), month_of(today), day_of_month(today));
    unmarked_ = cls_.grade == 1;
    // The class's students: anyone enrolled in it at some time of the year.
    std::set<int> in_class;
    for (size_t s = 0; s < j_.students.size(); ++s)
      for (const auto& e : j_.students[s].enrollments)
        if (e.class_ix == c_) in_class.insert(int(s));
    students_.assign(in_class.begin(), in_class.end());
    std::sort(students_.begin(), students_.end(), [&](int a, int b) {
      return collation_key(full_name(j_.students[a].person)) <
             collation_key(full_name(j_.students[b].person));
    });
    for (size_t i = 0; i < j_.lessons.size(); ++i)
      if (j_.lessons[i].class_ix == c_) lessons_.push_back(int(i));
    std::sort(lessons_.begin(), lessons_.end(), [&](int a, int b) {
      const Lesson &x = j_.lessons[a], &y = j_.lessons[b];
      return std::tie(x.date, x.number, a) < std::tie(y.date, y.number, b);
    });
    attends_.resize(students_.size());
    for (size_t k = 0; k < students_.size(); ++k)
      for (int l : ix_.lessons(students_[k]))
        if (j_.lessons[l].class_ix == c_) attends_[k].insert(l);
  }

  ArchivePdf render(const SignerInfo* signer) {
    title_page();
    class_list();
    for (const auto& [subject, group] : subject_groups()) {
      doc_.set_record("subject " + j_.subjects[subject].id);
      subject_section(subject, group);
    }
    doc_.set_record("");
    attendance_summary();
    change_log();
    return finish_archive_pdf(doc_, j_, today_, true, signer);
  }

 private:
  void heading(const std::string& title, float& y) {
    y = doc_.top();
    doc_.text(
        doc_.left(), y - 10, PdfDoc::regular, 9,
        school_label(j_) + ". " +
            loc_.format("pdf.summary_subject", {{"class", cls_.name}, {"year", j_.year.label}}));
    for (const auto& line : doc_.wrap(PdfDoc::bold, 12, title, doc_.right() - doc_.left())) {
      y -= 16;
      doc_.text(doc_.left(), y - 10, PdfDoc::bold, 12, line);
    }
    y -= 22;
  }

  /// Starts a section on a new page: its bookmark and its heading; returns where the
  /// content begins.
  float section(bool landscape, const std::string& bookmark, int level, const std::string& title) {
    doc_.new_page(landscape);
    doc_.bookmark(bookmark, level);
    float y;
    heading(title, y);
    return y;
  }

  void title_page() {
    doc_.new_page(false);
    doc_.bookmark(loc_.text("pdf.journal.title_page"));
    float cx = (doc_.left() + doc_.right()) / 2;
    auto centred = [&](float y, PdfDoc::Font f, float size, const std::string& s) {
      for (const auto& line : doc_.wrap(f, size, s, doc_.right() - doc_.left())) {
        doc_.text(cx - doc_.width(f, size, line) / 2, y, f, size, line);
        y -= size * 1.3f;
      }
      return y;
    };
    float y = doc_.top() - 60;
    y = centred(y, PdfDoc::regular, 13, j_.school.name);
    y = centred(y - 120, PdfDoc::bold, 28, loc_.text("pdf.journal.title"));
    y = centred(y - 20, PdfDoc::bold, 20, loc_.format("pdf.journal.class", {{"class", cls_.name}}));
    y = centred(y - 10, PdfDoc::regular, 14,
                loc_.format("pdf.summary_subject_year", {{"year", j_.year.label}}));
    y -= 80;
    if (cls_.homeroom_ix >= 0)
      doc_.text(
          doc_.left() + 40, y, PdfDoc::regular, 12,
          loc_.format("pdf.homeroom", {{"name", full_name(j_.teachers[cls_.homeroom_ix].person)}}));
    // A document never states a future: «Окончен» only once the school year is over; until
    // then the journal is kept («Ведётся с» its first lesson). An export may hold lessons
    // planned after the build's day, so the last lesson is not the journal's end. (`today_`
    // is the journal's date: its last lesson on or before the build's day.)
    if (!lessons_.empty() && j_.lessons[lessons_.front()].date <= today_) {
      std::string first = loc_.date_full(j_.lessons[lessons_.front()].date);
      if (year_over_) {
        doc_.text(doc_.left() + 40, y - 22, PdfDoc::regular, 12,
                  loc_.format("pdf.journal.started", {{"date", first}}));
        doc_.text(doc_.left() + 40, y - 44, PdfDoc::regular, 12,
                  loc_.format("pdf.journal.ended",
                              {{"date", loc_.date_full(j_.lessons[lessons_.back()].date)}}));
      } else {
        doc_.text(doc_.left() + 40, y - 22, PdfDoc::regular, 12,
                  loc_.format("pdf.journal.ongoing", {{"date", first}}));
      }
    }
  }

  void class_list() {
    float y =
        section(false, loc_.text("pdf.journal.class_list"), 0, loc_.text("pdf.journal.class_list"));
    PdfDoc::Table t;
    t.landscape = false;
    t.size = 9;
    t.header = {loc_.text("pdf.col_number"), loc_.text("pdf.col_name"),
                loc_.text("pdf.journal.col_birth"), loc_.text("pdf.journal.col_arrived"),
                loc_.text("pdf.journal.col_left")};
    float avail = doc_.right() - doc_.left();
    t.widths = {22, avail - 22 - 62 - 2 * 110, 62, 110, 110};
    int n = 0;
    for (int s : students_) {
      const Student& st = j_.students[s];
      for (const auto& e : st.enrollments) {
        if (e.class_ix != c_) continue;
        std::string in, out;
        if (e.from > j_.year.start)
          in = loc_.date_short(e.from) + (e.reason_in.empty() ? "" : ", " + e.reason_in);
        if (e.to && *e.to < j_.year.end)
          out = loc_.date_short(*e.to) + (e.reason_out.empty() ? "" : ", " + e.reason_out);
        t.rows.push_back({std::to_string(++n), full_name(st.person),
                          st.birth_date ? loc_.date_short(*st.birth_date) : "", in, out});
      }
    }
    doc_.table(t, y);
  }

  /// (subject, group index or -1) in the school's subject order, then group name.
  std::vector<std::pair<int, int>> subject_groups() const {
    std::set<std::pair<int, int>> seen;
    for (int l : lessons_) {
      const Lesson& le = j_.lessons[l];
      int g = le.group_ref.class_ix == c_ ? le.group_ref.group : -1;
      seen.insert({le.subject_ix, g});
    }
    std::vector<std::pair<int, int>> v(seen.begin(), seen.end());
    std::stable_sort(v.begin(), v.end(), [&](auto a, auto b) {
      auto key = [&](auto p) {
        return std::make_tuple(j_.subjects[p.first].order.value_or(1 << 30), p.first,
                               p.second < 0 ? std::string() : cls_.groups[p.second].name);
      };
      return key(a) < key(b);
    });
    return v;
  }

  void subject_section(int subject, int group) {
    const Subject& subj = j_.subjects[subject];
    std::string title = subj.name;
    if (group >= 0) title += " (" + cls_.groups[group].name + ")";
    std::vector<int> lessons;  // of this subject and group
    for (int l : lessons_) {
      const Lesson& le = j_.lessons[l];
      int g = le.group_ref.class_ix == c_ ? le.group_ref.group : -1;
      if (le.subject_ix == subject && g == group) lessons.push_back(l);
    }
    std::vector<int> rows;  // indexes into students_: those who have any of these lessons
    for (size_t k = 0; k < students_.size(); ++k)
      if (std::any_of(lessons.begin(), lessons.end(), [&](int l) { return attends_[k].count(l); }))
        rows.push_back(int(k));

    // The grid: as many pages wide as the lesson dates need, each with the names.
    std::vector<int> held;
    for (int l : lessons)
      if (!j_.lessons[l].cancelled) held.push_back(l);
    const float num_w = 18, name_w = 130, col_w = 21;
    bool first = true;
    doc_.new_page(true);
    float probe = doc_.right() - doc_.left();
    size_t per_page = std::max<size_t>(1, size_t((probe - num_w - name_w) / col_w));
    size_t parts = std::max<size_t>(1, (held.size() + per_page - 1) / per_page);
    for (size_t part = 0; part < parts; ++part) {
      if (!first) doc_.new_page(true);
      if (first) doc_.bookmark(title);
      first = false;
      float y;
      heading(loc_.format(unmarked_ ? "pdf.journal.grid_title_unmarked" : "pdf.journal.grid_title",
                          {{"subject", title},
                           {"part", std::to_string(part + 1)},
                           {"parts", std::to_string(parts)}}),
              y);
      PdfDoc::Table t;
      t.size = 7.5f;
      t.widths = {num_w, name_w};
      t.header = {loc_.text("pdf.col_number"), loc_.text("pdf.col_name")};
      size_t from = part * per_page, to = std::min(held.size(), from + per_page);
      for (size_t i = from; i < to; ++i) {
        t.widths.push_back(col_w);
        t.header.push_back(dd_mm(j_.lessons[held[i]].date));
      }
      for (size_t r = 0; r < rows.size(); ++r) {
        int k = rows[r], s = students_[k];
        std::vector<std::string> row{std::to_string(r + 1), full_name(j_.students[s].person)};
        for (size_t i = from; i < to; ++i) {
          int l = held[i];
          if (!attends_[k].count(l)) {
            row.push_back("—");  // not in the class or group that day
            continue;
          }
          std::string cell;
          if (const auto* ms = ix_.marks_at(s, l))
            for (int m : *ms) cell += (cell.empty() ? "" : " ") + j_.marks[m].value;
          if (const Attendance* a = ix_.attendance_at(s, l))
            cell += (cell.empty() ? "" : " ") + code_of(j_.settings, *a);
          row.push_back(cell);
        }
        t.rows.push_back(std::move(row));
      }
      doc_.table(t, y);
    }

    // The lessons, with topic, homework and teacher.
    float y = section(true, loc_.text("pdf.journal.lessons"), 1,
                      loc_.format("pdf.journal.lessons_title", {{"subject", title}}));
    PdfDoc::Table t;
    t.size = 8;
    float avail = doc_.right() - doc_.left();
    if (unmarked_) {
      t.widths = {24, 52, 22, avail - 24 - 52 - 22 - 170, 170};
      t.header = {loc_.text("pdf.col_number"), loc_.text("pdf.journal.col_date"),
                  loc_.text("pdf.journal.col_lesson"), loc_.text("pdf.journal.col_topic"),
                  loc_.text("pdf.journal.col_teacher")};
    } else {
      float rest = avail - 24 - 52 - 22 - 150;
      t.widths = {24, 52, 22, rest * 0.55f, rest * 0.45f, 150};
      t.header = {loc_.text("pdf.col_number"),           loc_.text("pdf.journal.col_date"),
                  loc_.text("pdf.journal.col_lesson"),   loc_.text("pdf.journal.col_topic"),
                  loc_.text("pdf.journal.col_homework"), loc_.text("pdf.journal.col_teacher")};
    }
    int n = 0;
    for (int l : lessons) {
      const Lesson& le = j_.lessons[l];
      std::string topic = le.cancelled ? loc_.text("pdf.journal.cancelled") +
                                             (le.topic.empty() ? "" : ": " + le.topic)
                                       : le.topic;
      std::string teacher;
      if (le.substitute_ix >= 0) {
        teacher = loc_.format(
            "pdf.journal.substitute",
            {{"name", short_name(j_.teachers[le.substitute_ix].person)},
             {"instead",
              le.teacher_ix >= 0 ? short_name(j_.teachers[le.teacher_ix].person) : le.teacher}});
      } else if (le.teacher_ix >= 0) {
        teacher = short_name(j_.teachers[le.teacher_ix].person);
      }
      std::vector<std::string> row{std::to_string(++n), loc_.date_short(le.date),
                                   le.number ? std::to_string(le.number) : "", topic};
      if (!unmarked_) row.push_back(le.homework.empty() ? "" : markdown_plain(le.homework));
      row.push_back(teacher);
      t.rows.push_back(std::move(row));
    }
    doc_.table(t, y);

    if (!unmarked_) period_marks(subject, title, rows);
  }

  void period_marks(int subject, const std::string& title, const std::vector<int>& rows) {
    // Columns: the periods of the grade, then year, exam and final where any mark exists.
    std::vector<std::pair<std::string, std::string>> cols;  // (key, header)
    for (int p : grade_periods(j_, cls_.grade))
      cols.push_back({j_.periods[p].id, j_.periods[p].name});
    cols.push_back({"exam", loc_.text("result_columns.exam")});
    cols.push_back({"final", loc_.text("result_columns.final")});
    std::vector<std::vector<std::string>> cells(rows.size(), std::vector<std::string>(cols.size()));
    for (size_t r = 0; r < rows.size(); ++r) {
      int s = students_[rows[r]];
      for (int f : ix_.final_marks(s)) {
        const FinalMark& fm = j_.final_marks[f];
        if (fm.subject_ix != subject) continue;
        for (size_t c = 0; c < cols.size(); ++c)
          if (cols[c].first == fm.period) cells[r][c] = fm.value;
      }
    }
    float y = section(true, loc_.text("pdf.journal.period_marks"), 1,
                      loc_.format("pdf.journal.period_marks_title", {{"subject", title}}));
    PdfDoc::Table t;
    t.size = 9;
    t.widths = {22, 190};
    t.header = {loc_.text("pdf.col_number"), loc_.text("pdf.col_name")};
    for (const auto& c : cols) t.widths.push_back(64), t.header.push_back(c.second);
    for (size_t r = 0; r < rows.size(); ++r) {
      std::vector<std::string> row{std::to_string(r + 1),
                                   full_name(j_.students[students_[rows[r]]].person)};
      row.insert(row.end(), cells[r].begin(), cells[r].end());
      t.rows.push_back(std::move(row));
    }
    doc_.table(t, y);
  }

  void attendance_summary() {
    std::vector<int> periods;  // the reporting periods (the year is the last column)
    for (int p : grade_periods(j_, cls_.grade))
      if (j_.periods[p].kind != "year") periods.push_back(p);
    float y = section(true, loc_.text("pdf.journal.attendance"), 0,
                      loc_.text("pdf.journal.attendance_title"));
    PdfDoc::Table t;
    t.size = 8;
    t.widths = {20, 140};
    t.header = {loc_.text("pdf.col_number"), loc_.text("pdf.col_name")};
    float avail = doc_.right() - doc_.left() - 160;
    size_t groups = periods.size() + 1;
    float w = std::min(60.0f, avail / float(groups * 3));
    for (size_t g = 0; g < groups; ++g) {
      std::string name = g < periods.size() ? j_.periods[periods[g]].name : loc_.text("year_total");
      for (const char* k : {"col_missed", "col_illness", "col_late"}) {
        t.widths.push_back(w);
        t.header.push_back(name + ": " + loc_.text(std::string("pdf.journal.") + k));
      }
    }
    for (size_t k = 0; k < students_.size(); ++k) {
      int s = students_[k];
      std::vector<AttendanceCount> counts(groups);
      for (int a : ix_.attendance(s)) {
        const Attendance& at = j_.attendance[a];
        const Lesson& le = j_.lessons[at.lesson_ix];
        if (le.class_ix != c_) continue;
        for (size_t g = 0; g < periods.size(); ++g)
          if (le.date >= j_.periods[periods[g]].start && le.date <= j_.periods[periods[g]].end)
            counts[g].add(at);
        counts.back().add(at);
      }
      std::vector<std::string> row{std::to_string(k + 1), full_name(j_.students[s].person)};
      for (const auto& c : counts) {
        row.push_back(std::to_string(c.absent));
        row.push_back(std::to_string(c.illness));
        row.push_back(std::to_string(c.late));
      }
      t.rows.push_back(std::move(row));
    }
    doc_.table(t, y);
  }

  void change_log() {
    std::vector<int> changes;
    for (size_t i = 0; i < j_.mark_changes.size(); ++i) {
      const MarkChange& mc = j_.mark_changes[i];
      if (mc.mark_ix < 0) continue;
      const Mark& m = j_.marks[mc.mark_ix];
      if (m.lesson_ix >= 0 && j_.lessons[m.lesson_ix].class_ix == c_) changes.push_back(int(i));
    }
    std::stable_sort(changes.begin(), changes.end(), [&](int a, int b) {
      auto t = [&](int i) {
        const auto& ts = j_.mark_changes[i].changed_ts;
        return ts ? ts->utc : 0;
      };
      return t(a) < t(b);
    });
    float y =
        section(true, loc_.text("pdf.journal.changes"), 0, loc_.text("pdf.journal.changes_title"));
    if (changes.empty()) {
      doc_.text(doc_.left(), y - 12, PdfDoc::regular, 10, loc_.text("pdf.journal.no_changes"));
      return;
    }
    PdfDoc::Table t;
    t.size = 8;
    float avail = doc_.right() - doc_.left();
    t.widths = {22, 78, 110, 0, 110, 52, 40, 40};
    t.widths[3] = avail - (22 + 78 + 110 + 110 + 52 + 40 + 40);
    t.header = {loc_.text("pdf.col_number"),          loc_.text("pdf.journal.col_when"),
                loc_.text("pdf.journal.col_who"),     loc_.text("pdf.journal.col_student"),
                loc_.text("pdf.journal.col_subject"), loc_.text("pdf.journal.col_lesson_date"),
                loc_.text("pdf.journal.col_old"),     loc_.text("pdf.journal.col_new")};
    int n = 0;
    for (int i : changes) {
      const MarkChange& mc = j_.mark_changes[i];
      const Mark& m = j_.marks[mc.mark_ix];
      const Lesson& le = j_.lessons[m.lesson_ix];
      t.rows.push_back(
          {std::to_string(++n), moment(mc.changed_ts, mc.changed_at),
           mc.teacher_ix >= 0 ? short_name(j_.teachers[mc.teacher_ix].person) : mc.teacher,
           m.student_ix >= 0 ? full_name(j_.students[m.student_ix].person) : m.student,
           j_.subjects[le.subject_ix].name, loc_.date_short(le.date), mc.old_value.value_or("—"),
           mc.new_value.value_or(loc_.text("pdf.journal.deleted"))});
    }
    doc_.table(t, y);
  }

  const DiaryIndex& ix_;
  const Journal& j_;
  int c_;
  const SchoolClass& cls_;
  Day today_;
  bool year_over_;
  const Locale& loc_;
  PdfDoc doc_;
  bool unmarked_ = false;
  std::vector<int> students_, lessons_;
  std::vector<std::unordered_set<int>> attends_;  ///< per students_ index: lessons attended
};

}  // namespace

ArchivePdf render_pdf_journal(const DiaryIndex& ix, int class_ix, Day today, bool year_over,
                              const SignerInfo* signer) {
  return JournalDoc(ix, class_ix, today, year_over).render(signer);
}

}  // namespace jp
