#include "print/render_pdf_extract.h"

#include <algorithm>
#include <map>
#include <optional>

#include "core/markdown.h"
#include "core/text.h"
#include "core/wording.h"
#include "print/archive_doc.h"
#include "print/pdf.h"

namespace jp {
namespace {

std::string avg_text(const Average& a) {
  auto v = a.value();
  return v ? Locale::number(*v, 2, true) : "—";
}

class ExtractDoc {
 public:
  ExtractDoc(const DiaryIndex& ix, const ExtractBatch& b, Day today)
      : ix_(ix),
        j_(ix.journal()),
        b_(b),
        loc_(Locale::ru()),
        range_(loc_.range(b.from, b.to)),
        doc_(loc_.format("extract.doc_title",
                         {{"class", j_.classes[b.class_ix].name}, {"range", range_}}),
             school_label(j_), range_) {
    doc_.set_date(year_of(today), month_of(today), day_of_month(today));
    if (b.a5) doc_.use_a5_halves();
    size_ = b.a5 ? 7.5f : 8.5f;
  }

  std::string render() {
    for (int s : b_.students) {
      doc_.set_record("student " + j_.students[s].id);
      student(s);
    }
    doc_.set_record("");
    distribution_list();
    return doc_.finish("");
  }

 private:
  /// Starts a student on a fresh sheet: in A4, the next odd page (duplex: a sheet's
  /// front); in A5, the next half.
  void fresh_sheet() {
    if (!b_.a5 && doc_.pages() % 2 == 1) doc_.new_page(false);  // the back stays blank
    doc_.new_page(false);
  }

  void line(float& y, PdfDoc::Font f, float size, const std::string& text) {
    for (const auto& l : doc_.wrap(f, size, text, doc_.right() - doc_.left())) {
      if (y - size * 1.35f < doc_.bottom()) {
        doc_.new_page(false);
        y = doc_.top();
      }
      y -= size * 1.35f;
      doc_.text(doc_.left(), y, f, size, l);
    }
  }

  void student(int s) {
    const Student& st = j_.students[s];
    const SchoolClass& cls = j_.classes[b_.class_ix];
    bool unmarked = cls.grade == 1;
    fresh_sheet();
    doc_.bookmark(full_name(st.person));
    float y = doc_.top();
    line(y, PdfDoc::regular, size_, j_.school.name);
    y -= 4;
    line(y, PdfDoc::bold, size_ + 3, loc_.text("extract.title"));
    line(y, PdfDoc::regular, size_ + 1, loc_.format("extract.period", {{"range", range_}}));
    line(y, PdfDoc::bold, size_ + 1,
         loc_.format("extract.student", {{"name", full_name(st.person)}, {"class", cls.name}}));
    for (const auto& e : st.enrollments) {
      if (e.class_ix != b_.class_ix) continue;
      if (e.from > b_.from && e.from <= b_.to)
        line(y, PdfDoc::regular, size_,
             loc_.format("extract.arrived", {{"date", loc_.date_full(e.from)}}));
      if (e.to && *e.to >= b_.from && *e.to < b_.to)
        line(y, PdfDoc::regular, size_,
             loc_.format("extract.left", {{"date", loc_.date_full(*e.to)}}));
    }
    for (const auto& h : j_.holidays)
      if (h.start <= b_.to && h.end >= b_.from)
        line(y, PdfDoc::regular, size_,
             loc_.format("extract.holiday", {{"name", h.name},
                                             {"range", loc_.range(std::max(h.start, b_.from),
                                                                  std::min(h.end, b_.to))}}));
    y -= 4;

    // The lessons of the period, by subject.
    std::vector<int> lessons;
    for (int l : ix_.lessons(s))
      if (j_.lessons[l].date >= b_.from && j_.lessons[l].date <= b_.to) lessons.push_back(l);
    if (lessons.empty()) {
      line(y, PdfDoc::regular, size_, loc_.text("extract.no_lessons"));
    } else {
      PdfDoc::Table t;
      t.landscape = false;
      t.size = size_;
      float avail = doc_.right() - doc_.left();
      if (unmarked) {
        t.widths = {62, avail - 62 - 40, 40};
        t.header = {loc_.text("extract.col_date"), loc_.text("extract.col_topic"),
                    loc_.text("extract.col_attendance")};
      } else {
        float marks_w = b_.a5 ? 95 : 150;
        t.widths = {62, avail - 62 - marks_w - 40, marks_w, 40};
        t.header = {loc_.text("extract.col_date"), loc_.text("extract.col_topic"),
                    loc_.text("extract.col_marks"), loc_.text("extract.col_attendance")};
      }
      for (int subj : ix_.subjects(s)) {
        std::vector<int> of;
        for (int l : lessons)
          if (j_.lessons[l].subject_ix == subj) of.push_back(l);
        if (of.empty()) continue;
        subject_rows(t, s, subj, of, unmarked);
      }
      doc_.table(t, y);
      y -= 4;
    }

    // Totals, remarks and events of the period.
    AttendanceCount count;
    for (int a : ix_.attendance(s)) {
      const Attendance& at = j_.attendance[a];
      Day d = j_.lessons[at.lesson_ix].date;
      if (d >= b_.from && d <= b_.to) count.add(at);
    }
    line(y, PdfDoc::regular, size_,
         loc_.format("extract.totals", {{"missed", loc_.count(count.absent, "lessons_missed")},
                                        {"illness", std::to_string(count.illness)},
                                        {"lates", loc_.count(count.late, "lates")}}));
    std::vector<std::string> remarks, events;
    for (int r : ix_.remarks(s)) {
      const Remark& rm = j_.remarks[r];
      if (rm.date < b_.from || rm.date > b_.to) continue;
      std::string kind =
          loc_.text("remark_kinds." + (rm.kind.empty() ? std::string("remark") : rm.kind));
      remarks.push_back(
          loc_.date_long(rm.date) + ", " + kind + ": " + markdown_plain(rm.text) +
          (rm.teacher_ix >= 0 ? " (" + short_name(j_.teachers[rm.teacher_ix].person) + ")" : ""));
    }
    for (int e : ix_.events(s)) {
      const Event& ev = j_.events[e];
      Day end = ev.end_date.value_or(ev.date);
      if (ev.date > b_.to || end < b_.from) continue;
      // Only while the student was at school (not an event after they left).
      Day first = std::max(ev.date, b_.from);
      if (std::none_of(st.enrollments.begin(), st.enrollments.end(),
                       [&](const Enrollment& en) { return en.covers(first); }))
        continue;
      std::string when = end == ev.date ? loc_.date_long(ev.date) : loc_.range(ev.date, end);
      std::string text = ev.text.empty() ? "" : ". " + markdown_plain(ev.text);
      events.push_back(when + ": " + ev.title + text);
    }
    if (!remarks.empty()) {
      line(y, PdfDoc::bold, size_, loc_.text("extract.remarks"));
      for (const auto& r : remarks) line(y, PdfDoc::regular, size_, "– " + r);
    }
    if (!events.empty()) {
      line(y, PdfDoc::bold, size_, loc_.text("extract.events"));
      for (const auto& e : events) line(y, PdfDoc::regular, size_, "– " + e);
    }
    y -= size_ * 2;
    std::string homeroom =
        cls.homeroom_ix >= 0 ? short_name(j_.teachers[cls.homeroom_ix].person) : "";
    line(y, PdfDoc::regular, size_ + 0.5f,
         loc_.format("extract.sign_homeroom", {{"name", homeroom}}));
    y -= size_;
    line(y, PdfDoc::regular, size_ + 0.5f, loc_.text("extract.sign_parent"));
  }

  void subject_rows(PdfDoc::Table& t, int s, int subj, const std::vector<int>& of, bool unmarked) {
    const Subject& sub = j_.subjects[subj];
    auto row = [&](std::vector<std::string> r) {
      if (unmarked) r.erase(r.begin() + 2);
      t.rows.push_back(std::move(r));
    };
    t.bold_rows.push_back(t.rows.size());
    row({"", sub.name, "", ""});
    int last_homework = -1;
    for (int l : of) {
      const Lesson& le = j_.lessons[l];
      std::string topic = le.cancelled ? loc_.text("extract.cancelled") : le.topic;
      std::string marks, code;
      if (!unmarked)
        if (const auto* ms = ix_.marks_at(s, l))
          for (int m : *ms) {
            const Mark& mk = j_.marks[m];
            std::string wt = mk.work_type_ix >= 0 ? j_.work_types[mk.work_type_ix].name
                                                  : loc_.text("no_work_type");
            double weight = mk.weight.value_or(
                mk.work_type_ix >= 0 ? j_.work_types[mk.work_type_ix].weight : 1);
            if (weight != 1)
              wt += ", " +
                    loc_.format("extract.weight", {{"weight", Locale::number(weight, 2, false)}});
            marks += (marks.empty() ? "" : "; ") + mk.value + " (" + wt + ")";
          }
      if (const Attendance* a = ix_.attendance_at(s, l)) {
        std::string key = a->status == "late" ? "late"
                          : a->reason.empty() ? "unexcused"
                                              : a->reason;
        auto it = j_.settings.attendance_codes.find(key);
        code = it == j_.settings.attendance_codes.end() ? key : it->second;
      }
      row({loc_.date_long(le.date), topic, marks, code});
      if (!le.cancelled && (!le.homework.empty() || ix_.homework_at(s, l))) last_homework = l;
    }
    if (unmarked) return;  // grade 1: no marks, no homework (Положение 3.11)
    // Averages: the period of the extract, and the reporting period to the extract's end.
    Average week = ix_.average(s, subj, b_.from, b_.to);
    int period = -1;
    for (int p : ix_.periods(s)) {
      const Period& pr = j_.periods[p];
      if (pr.kind == "year" || pr.start > b_.to) continue;
      if (period < 0 || pr.start > j_.periods[period].start) period = p;
    }
    std::string avg;
    std::optional<double> to_date_value;
    std::map<std::string, std::string> args{{"week", avg_text(week)}};
    if (period >= 0) {
      const Period& pr = j_.periods[period];
      Average to_date = ix_.average(s, subj, pr.start, std::min(b_.to, pr.end));
      to_date_value = to_date.value();
      args["period"] = pr.name;
      args["date"] = loc_.day_month(std::min(b_.to, pr.end));
      args["average"] = avg_text(to_date);
      args["forecast"] = to_date_value ? forecast(j_.settings, *to_date_value) : "—";
    }
    if (!to_date_value && !week.value())
      avg = loc_.text("extract.no_marks");
    else if (!week.value())
      avg = loc_.format("extract.averages_none_in_period", args);
    else if (period >= 0)
      avg = loc_.format("extract.averages", args);
    else
      avg = loc_.format("extract.averages_no_period", args);
    row({"", avg, "", ""});
    if (last_homework >= 0) {
      const Lesson& le = j_.lessons[last_homework];
      std::string text = le.homework.empty() ? "" : markdown_plain(le.homework);
      if (const auto* hw = ix_.homework_at(s, last_homework))
        for (int h : *hw)
          text += (text.empty() ? "" : " ") +
                  loc_.format("extract.individual",
                              {{"text", markdown_plain(j_.individual_homework[h].text)}});
      row({"", loc_.format("extract.homework", {{"date", loc_.date_long(le.date)}, {"text", text}}),
           "", ""});
    }
  }

  /// The class teacher's list: who received an extract (Output 3).
  void distribution_list() {
    fresh_sheet();
    doc_.bookmark(loc_.text("extract.list_bookmark"));
    float y = doc_.top();
    line(y, PdfDoc::regular, size_, j_.school.name);
    line(y, PdfDoc::bold, size_ + 2,
         loc_.format("extract.list_title",
                     {{"range", range_}, {"class", j_.classes[b_.class_ix].name}}));
    y -= 6;
    PdfDoc::Table t;
    t.landscape = false;
    t.size = size_;
    float avail = doc_.right() - doc_.left();
    t.widths = {20, (avail - 20 - 140) / 2, (avail - 20 - 140) / 2, 90, 50};
    t.header = {loc_.text("pdf.col_number"), loc_.text("extract.list_student"),
                loc_.text("extract.list_guardian"), loc_.text("extract.list_signature"),
                loc_.text("extract.list_date")};
    int n = 0;
    for (int s : b_.students) {
      // The paper guardians, or every guardian when the student has none on paper.
      std::string paper, all;
      for (const auto& g : j_.guardians)
        if (std::find(g.children_ix.begin(), g.children_ix.end(), s) != g.children_ix.end()) {
          std::string& target = g.delivery == "paper" ? paper : all;
          target += (target.empty() ? "" : "; ") + full_name(g.person);
        }
      t.rows.push_back({std::to_string(++n), full_name(j_.students[s].person),
                        paper.empty() ? all : paper, "", ""});
    }
    doc_.table(t, y);
  }

  const DiaryIndex& ix_;
  const Journal& j_;
  const ExtractBatch& b_;
  const Locale& loc_;
  std::string range_;
  PdfDoc doc_;
  float size_ = 8.5f;
};

}  // namespace

std::string render_pdf_extracts(const DiaryIndex& ix, const ExtractBatch& b, Day today) {
  return ExtractDoc(ix, b, today).render();
}

}  // namespace jp
