#include "sample/sample.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <stdexcept>

#include "core/dates.h"
#include "sample/curriculum.h"
#include "sample/names.h"

namespace jp {
namespace {

using ojson = nlohmann::ordered_json;
using sample::curriculum;
using sample::subject_def;
using sample::subject_defs;
using sample::SubjectDef;
namespace fs = std::filesystem;

/// splitmix64: tiny, fast and the same everywhere, so a seed gives the same files on
/// every machine (std::uniform_*_distribution is not portable across libraries).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// 0 <= r < n
  int below(int n) { return n <= 1 ? 0 : int((unsigned __int128)next() * unsigned(n) >> 64); }
  int range(int lo, int hi) { return lo + below(hi - lo + 1); }
  double unit() { return double(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(int(v.size()))];
  }

 private:
  uint64_t s_;
};

Day D(const char* s) { return *parse_date(s); }

std::string ts(Day d, int minutes, const char* offset = "+03:00") {
  return fmt::format("{}T{:02}:{:02}:00{}", format_date(d), minutes / 60, minutes % 60, offset);
}

// ---- homework ---------------------------------------------------------------------------

std::string homework_text(Rng& r, const std::string& subj) {
  switch (r.below(9)) {
    case 0:
      return fmt::format("Упр. {}, с. {}", r.range(10, 480), r.range(5, 210));
    case 1:
      return fmt::format("§ {}, вопросы 1–{} устно", r.range(1, 45), r.range(3, 6));
    case 2:
      return fmt::format("№ {}, {}, {}", r.range(100, 900), r.range(100, 900), r.range(100, 900));
    case 3:
      return fmt::format("- прочитать § {}\n- ответить письменно на вопрос {}\n- выучить термины",
                         r.range(1, 45), r.range(1, 8));
    case 4:
      return fmt::format(
          "Посмотреть [видеоурок](https://resh.edu.ru/subject/lesson/{}/) и "
          "выполнить тренировочные задания",
          r.range(1000, 7999));
    case 5:
      return subj == "lit" || subj == "read"
                 ? std::string("Выучить наизусть стихотворение (отрывок по выбору)")
                 : fmt::format("Подготовить сообщение на тему урока (**не более 1 страницы**)");
    case 6:
      return fmt::format("Рабочая тетрадь, с. {}, задания {}–{}", r.range(3, 90), 1, r.range(3, 7));
    case 7:
      return fmt::format("1. Повторить правило на с. {}\n2. Упр. {}", r.range(5, 200),
                         r.range(10, 480));
    default:
      return fmt::format("Карточка № {}", r.range(1, 30));
  }
}

// ---- the model of the generated school ---------------------------------------------------

struct TeacherG {
  std::string id;
  bool female;
  std::string last, first, middle, position;
};

struct ClassG {
  std::string id, name;
  int grade = 0;
  int days = 5;
  std::string homeroom;
  std::map<std::string, std::string> teacher;        // subject -> teacher id
  std::map<std::string, std::string> group_teacher;  // group id -> teacher id
  std::vector<std::pair<std::string, int>> plan;     // subject, hours
  bool groups_eng = false, groups_tech = false;
  std::vector<int> students;  // indices into students
};

struct StudentG {
  std::string id;
  bool female;
  std::string last, first, middle;
  Day birth;
  double level;
  std::map<std::string, double> subject_shift;
  struct Enr {
    int cls;
    Day from;
    std::optional<Day> to;
    std::string reason_in, reason_out;
    std::vector<std::string> groups;
  };
  std::vector<Enr> enr;
  bool consent = true;
  int family = -1;
  std::vector<std::pair<Day, Day>> ill;  // illness spells (inclusive)
  std::vector<Day> valid_days;           // whole days absent for a good reason
};

struct FamilyG {
  std::string surname_m;  // male form
  int father;             // male name index
  std::vector<int> children;
};

struct Gen {
  Rng r;
  std::vector<TeacherG> teachers;
  std::vector<ClassG> classes;
  std::vector<StudentG> students;
  std::vector<FamilyG> families;
  std::vector<std::pair<Day, Day>> holidays{
      {D("2023-10-28"), D("2023-11-06")}, {D("2023-12-30"), D("2024-01-08")},
      {D("2024-02-23"), D("2024-02-23")}, {D("2024-03-08"), D("2024-03-08")},
      {D("2024-03-23"), D("2024-03-31")}, {D("2024-04-29"), D("2024-05-01")},
      {D("2024-05-09"), D("2024-05-10")}};
  Day study_start = D("2023-09-01"), study_end = D("2024-05-24");
  Day year_start = D("2023-09-01"), year_end = D("2024-06-30");

  explicit Gen(uint64_t seed) : r(seed) {}

  bool holiday(Day d) const {
    for (auto& [a, b] : holidays)
      if (d >= a && d <= b) return true;
    return false;
  }
  bool school_day(const ClassG& c, Day d) const {
    return d >= study_start && d <= study_end && weekday(d) <= c.days && !holiday(d);
  }
  Day random_school_day(const ClassG& c, Day from, Day to) {
    for (int tries = 0; tries < 1000; ++tries) {
      Day d = from + r.below(to - from + 1);
      if (school_day(c, d)) return d;
    }
    return from;
  }
};

std::string class_letter(int k) {
  static const char* ru[] = {"А", "Б", "В", "Г", "Д", "Е", "Ж", "З"};
  return ru[k % 8];
}
std::string class_letter_latin(int k) {
  static const char* la[] = {"a", "b", "v", "g", "d", "e", "zh", "z"};
  return la[k % 8];
}

std::string new_teacher(Gen& g, const std::string& position, bool female_bias = true) {
  TeacherG t;
  t.id = fmt::format("t{:03}", g.teachers.size() + 1);
  t.female = g.r.chance(female_bias ? 0.8 : 0.5);
  std::string sur = g.r.pick(names::surnames());
  const auto& father = g.r.pick(names::male());
  if (t.female) {
    t.last = names::female_surname(sur);
    t.first = g.r.pick(names::female());
    t.middle = father.patronymic_f;
  } else {
    t.last = sur;
    t.first = g.r.pick(names::male()).name;
    t.middle = father.patronymic_m;
  }
  t.position = position;
  g.teachers.push_back(t);
  return t.id;
}

/// Marks as written for a student of a given level: mostly near the level, sometimes not.
std::string mark_value(Rng& r, double level) {
  double x = level + (r.unit() + r.unit() + r.unit() - 1.5) * 1.1;
  if (r.chance(0.0008)) return "1";
  int v = int(std::lround(x));
  return std::to_string(std::clamp(v, 2, 5));
}

std::string forecast_of(double avg) {
  if (avg >= 4.5) return "5";
  if (avg >= 3.5) return "4";
  if (avg >= 2.5) return "3";
  return "2";
}

/// Writes a journalpress/1 file with one record per line (diff-friendly, still JSON).
void write_file(const fs::path& path, const std::vector<std::pair<std::string, ojson>>& sections) {
  std::string out = "{\"format\": \"journalpress/1\"";
  for (const auto& [name, value] : sections) {
    out += ",\n\"" + name + "\": ";
    if (value.is_array()) {
      out += "[";
      for (size_t i = 0; i < value.size(); ++i) out += (i ? ",\n" : "\n") + value[i].dump();
      out += value.empty() ? "]" : "\n]";
    } else {
      out += value.dump();
    }
  }
  out += "\n}\n";
  std::ofstream f(path, std::ios::binary);
  f << out;
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

ojson final_json(const std::string& student, const std::string& subject, const std::string& period,
                 const std::string& value, const std::string& created_at,
                 const std::string& author) {
  return ojson{{"student", student}, {"subject", subject},       {"period", period},
               {"value", value},     {"created_at", created_at}, {"author", author}};
}

ojson person_json(const std::string& id, const std::string& last, const std::string& first,
                  const std::string& middle) {
  ojson p;
  p["id"] = id;
  p["last_name"] = last;
  p["first_name"] = first;
  if (!middle.empty()) p["middle_name"] = middle;
  return p;
}

// ---- the year's calendar -----------------------------------------------------------------

const int bell_times[8][2] = {{510, 555}, {565, 610}, {630, 675}, {695, 740},
                              {750, 795}, {805, 850}, {860, 905}, {915, 960}};

struct Period {
  const char* id;
  const char* kind;
  const char* name;
  Day start, end;
  bool senior;
};

const std::vector<Period>& periods() {
  static const std::vector<Period> v{
      {"q1", "quarter", "1 четверть", D("2023-09-01"), D("2023-10-27"), false},
      {"q2", "quarter", "2 четверть", D("2023-11-07"), D("2023-12-29"), false},
      {"q3", "quarter", "3 четверть", D("2024-01-09"), D("2024-03-22"), false},
      {"q4", "quarter", "4 четверть", D("2024-04-01"), D("2024-05-24"), false},
      {"h1", "half", "1 полугодие", D("2023-09-01"), D("2023-12-29"), true},
      {"h2", "half", "2 полугодие", D("2024-01-09"), D("2024-05-24"), true}};
  return v;
}

const Period* period_of(int grade, Day d) {
  for (const auto& p : periods())
    if (p.senior == (grade >= 10) && d >= p.start && d <= p.end) return &p;
  return nullptr;
}

Day parse_until(const std::string& text) {
  if (text.empty()) return D("2099-12-31");
  auto d = parse_date(text);
  if (!d) throw std::runtime_error("--until: expected a date YYYY-MM-DD, got \"" + text + "\"");
  return *d;
}

// ---- the school: classes, teachers, students and families --------------------------------

void make_classes(Gen& g, int students) {
  int n_classes = std::max(1, int(std::lround(students / 31.0)));
  static const int first_grades[] = {1, 5, 5, 10, 9, 11, 2, 3, 4, 6, 7, 8};
  std::vector<int> grades;
  for (int k = 0; k < n_classes; ++k)
    grades.push_back(k < 12 ? first_grades[k] : (k - 12) % 11 + 1);
  std::sort(grades.begin(), grades.end());
  std::map<int, int> letters;
  for (int gr : grades) {
    ClassG c;
    c.grade = gr;
    int k = letters[gr]++;
    c.id = std::to_string(gr) + class_letter_latin(k);
    c.name = std::to_string(gr) + class_letter(k);
    c.days = gr <= 4 ? 5 : gr >= 10 ? 6 : (k % 2 ? 6 : 5);
    c.plan = curriculum(gr);
    c.groups_eng = gr >= 2;
    c.groups_tech = gr >= 5 && gr <= 9;
    g.classes.push_back(c);
  }
}

/// One primary teacher per class 1-4; subject specialists shared up to 26 hours a week.
void assign_teachers(Gen& g) {
  std::map<std::string, std::vector<std::string>> pool;  // subject -> teachers
  std::map<std::string, int> load;                       // teacher -> weekly hours
  auto specialist = [&](const std::string& subj, int hours, const std::string& avoid = "") {
    auto& p = pool[subj];
    for (const auto& t : p)
      if (t != avoid && load[t] + hours <= 26) {
        load[t] += hours;
        return t;
      }
    std::string t =
        new_teacher(g, subject_def(subj).teacher_position, subj != "pe" && subj != "obzr");
    p.push_back(t);
    load[t] += hours;
    return t;
  };
  for (auto& c : g.classes) {
    std::string primary;
    if (c.grade <= 4) primary = new_teacher(g, "учитель начальных классов");
    for (auto& [subj, h] : c.plan) {
      bool primary_subject = c.grade <= 4 && subj != "eng" && subj != "music" && subj != "pe";
      c.teacher[subj] = primary_subject ? primary : specialist(subj, h);
    }
    if (c.groups_eng) {
      c.group_teacher[c.id + "-en1"] = c.teacher["eng"];
      c.group_teacher[c.id + "-en2"] = specialist("eng", 3, c.teacher["eng"]);
    }
    if (c.groups_tech) {
      c.group_teacher[c.id + "-tech1"] = c.teacher["tech"];
      c.group_teacher[c.id + "-tech2"] = specialist("tech", 2, c.teacher["tech"]);
    }
    c.homeroom = c.grade <= 4 ? primary : c.teacher[c.plan[c.grade % 3].first];
  }
}

/// About one child in six has a brother or sister in another class: an existing family
/// with fewer than three children, none of them in class `ci`; else -1.
int sibling_family(Gen& g, size_t ci) {
  if (g.families.empty() || !g.r.chance(0.17)) return -1;
  int cand = g.r.below(int(g.families.size()));
  auto& f = g.families[cand];
  bool other_class = true;
  for (int ch : f.children)
    if (g.students[ch].enr[0].cls == int(ci)) other_class = false;
  return other_class && f.children.size() < 3 ? cand : -1;
}

void make_student(Gen& g, size_t ci) {
  Rng& r = g.r;
  ClassG& c = g.classes[ci];
  StudentG s;
  s.id = fmt::format("s{:04}", g.students.size() + 1);
  s.female = r.chance(0.5);
  int fam = sibling_family(g, ci);
  if (fam < 0) {
    g.families.push_back({r.pick(names::surnames()), r.below(int(names::male().size())), {}});
    fam = int(g.families.size()) - 1;
  }
  FamilyG& f = g.families[fam];
  s.family = fam;
  const auto& father = names::male()[f.father];
  s.last = s.female ? names::female_surname(f.surname_m) : f.surname_m;
  s.first = s.female ? r.pick(names::female()) : r.pick(names::male()).name;
  s.middle = s.female ? father.patronymic_f : father.patronymic_m;
  s.birth = D("2016-09-01") - 365 * (c.grade - 1) + r.below(365);
  double u = r.unit();
  s.level = u < 0.15   ? 4.55 + r.unit() * 0.4
            : u < 0.55 ? 3.8 + r.unit() * 0.7
            : u < 0.9  ? 3.0 + r.unit() * 0.8
                       : 2.55 + r.unit() * 0.45;
  for (auto& [subj, h] : c.plan) s.subject_shift[subj] = (r.unit() - 0.5) * 0.6;
  StudentG::Enr e{int(ci), g.year_start, std::nullopt, "", "", {}};
  s.enr.push_back(e);
  f.children.push_back(int(g.students.size()));
  c.students.push_back(int(g.students.size()));
  g.students.push_back(std::move(s));
}

void make_students(Gen& g, int students) {
  int n_classes = int(g.classes.size());
  int per_class = students / n_classes, extra = students % n_classes;
  for (size_t ci = 0; ci < g.classes.size(); ++ci)
    for (int k = per_class + (int(ci) < extra ? 1 : 0); k > 0; --k) make_student(g, ci);
}

/// Arrivals and departures during the year (about one of each per three classes), one
/// transfer between parallel classes, a student without consent, and the groups.
void move_students(Gen& g) {
  for (size_t ci = 0; ci < g.classes.size(); ++ci) {
    ClassG& c = g.classes[ci];
    if (ci % 3 == 0 && c.students.size() > 3) {
      auto& s = g.students[c.students[1]];
      s.enr[0].from = g.random_school_day(c, D("2023-10-02"), D("2024-02-20"));
      s.enr[0].reason_in = "прибыл(а) из МБОУ «СОШ № 7» г. Твери";
    }
    if (ci % 3 == 1 && c.students.size() > 3) {
      auto& s = g.students[c.students[2]];
      s.enr[0].to = g.random_school_day(c, D("2023-11-13"), D("2024-04-26"));
      s.enr[0].reason_out = "выбыл(а) в связи с переменой места жительства";
    }
  }
  // One transfer between parallel classes at the start of the third quarter.
  for (size_t ci = 0; ci + 1 < g.classes.size(); ++ci) {
    if (g.classes[ci].grade != g.classes[ci + 1].grade || g.classes[ci].students.size() < 6)
      continue;
    auto& s = g.students[g.classes[ci].students[5]];
    s.enr[0].to = D("2023-12-29");
    s.enr[0].reason_out = "переведён(а) в " + g.classes[ci + 1].name;
    s.enr.push_back({int(ci + 1),
                     D("2024-01-09"),
                     std::nullopt,
                     "переведён(а) из " + g.classes[ci].name,
                     "",
                     {}});
    g.classes[ci + 1].students.push_back(g.classes[ci].students[5]);
    break;
  }
  if (!g.students.empty()) g.students[std::min<size_t>(7, g.students.size() - 1)].consent = false;
  // Groups: English by alphabetical halves, technology by girls and boys.
  for (auto& s : g.students)
    for (auto& e : s.enr) {
      const ClassG& c = g.classes[e.cls];
      int pos = int(std::find(c.students.begin(), c.students.end(), int(&s - g.students.data())) -
                    c.students.begin());
      if (c.groups_eng) e.groups.push_back(c.id + (pos % 2 ? "-en2" : "-en1"));
      if (c.groups_tech) e.groups.push_back(c.id + (s.female ? "-tech1" : "-tech2"));
    }
}

/// Illness spells and days absent for a good reason.
void plan_absences(Gen& g) {
  Rng& r = g.r;
  for (auto& s : g.students) {
    const ClassG& c = g.classes[s.enr[0].cls];
    int spells = r.below(4);
    for (int k = 0; k < spells; ++k) {
      Day a = g.random_school_day(c, g.study_start, g.study_end);
      s.ill.push_back({a, a + r.range(2, 11)});
    }
    for (int k = r.below(3); k > 0; --k)
      s.valid_days.push_back(g.random_school_day(c, g.study_start, g.study_end));
  }
}

// ---- lessons, marks, attendance ------------------------------------------------------------

/// The journal records of one class, written to its three files.
struct ClassOut {
  ojson lessons = ojson::array(), ihw = ojson::array(), marks = ojson::array(),
        attendance = ojson::array(), finals = ojson::array(), changes = ojson::array(),
        remarks = ojson::array();
};

/// Running sums for period marks: (student, subject, period) -> (sum w*v, sum w).
using Sums = std::map<std::tuple<int, std::string, std::string>, std::pair<double, double>>;

/// Warnings seeded once in the whole school, by whichever class gets there first.
struct SchoolSeeds {
  bool grade1_mark = false, grade1_homework = false, extra_control = false;
};

/// A lesson as the students' records need it.
struct LessonG {
  std::string id, subj, grp, kind, author;
  Day d = 0;
  const Period* per = nullptr;
  size_t pos = 0;
  int topic_ix = 0, hours = 0;
};

/// One class's school year, day by day: the timetable, the lessons, and for each lesson its
/// students' attendance, individual homework and marks. Draws from the class's own
/// stream and numbers its records within the class, so that cutting the year (--until)
/// keeps every other class's files.
class ClassYear {
 public:
  ClassYear(Gen& g, size_t ci, ClassOut& co, Sums& sums, SchoolSeeds& seeds)
      : g_(g), r_(g.r), c_(g.classes[ci]), ci_(ci), co_(co), sums_(sums), seeds_(seeds) {}

  void run(Day until) {
    timetable();
    for (Day d = g_.study_start; d <= std::min(g_.study_end, until); ++d) {
      if (!g_.school_day(c_, d)) continue;
      const Period* per = period_of(c_.grade, d);
      if (!per) continue;
      auto& day = week_[weekday(d) - 1];
      for (size_t pos = 0; pos < day.size(); ++pos) {
        const std::string& subj = day[pos];
        std::vector<std::string> groups{""};
        if (subj == "eng" && c_.groups_eng) groups = {c_.id + "-en1", c_.id + "-en2"};
        if (subj == "tech" && c_.groups_tech) groups = {c_.id + "-tech1", c_.id + "-tech2"};
        int topic_ix = seen_count_[subj]++;
        for (const auto& grp : groups) lesson(d, *per, pos, subj, grp, topic_ix);
      }
    }
  }

 private:
  Gen& g_;
  Rng& r_;
  ClassG& c_;
  size_t ci_;
  ClassOut& co_;
  Sums& sums_;
  SchoolSeeds& seeds_;
  int no_topic_left_ = 1, late_hw_left_ = 1;
  long long lesson_no_ = 0, mark_no_ = 0, deleted_no_ = 0;
  std::vector<std::vector<std::string>> week_;
  std::map<std::string, int> seen_count_;  // lessons of a subject so far (topic index)
  std::map<std::pair<std::string, std::string>, int> control_done_;  // (subject/group, period)

  /// Weekly timetable: deal each subject's hours over the days, then shuffle each day.
  void timetable() {
    week_.assign(c_.days, {});
    std::vector<std::pair<std::string, int>> plan = c_.plan;
    std::stable_sort(plan.begin(), plan.end(),
                     [](auto& a, auto& b) { return a.second > b.second; });
    int slot = 0;
    for (auto& [subj, h] : plan)
      for (int k = 0; k < h; ++k) week_[slot++ % c_.days].push_back(subj);
    for (auto& day : week_)
      for (size_t k = day.size(); k > 1; --k) std::swap(day[k - 1], day[r_.below(int(k))]);
  }

  const std::vector<std::string>& topic_list(const std::string& subj) const {
    return sample::topics(subj, c_.grade);
  }

  /// The lesson's kind and topic: control works one per subject (and group) and period,
  /// about two thirds in; labs and practical works in turn.
  std::pair<std::string, std::string> kind_and_topic(const LessonG& l, bool cancelled) {
    const auto& tl = topic_list(l.subj);
    std::string topic = tl[l.topic_ix % tl.size()];
    if (l.topic_ix >= int(tl.size()))
      topic += l.topic_ix / tl.size() % 2 ? " (продолжение)" : " (повторение)";
    const std::string& subj = l.subj;
    auto ckey = std::make_pair(subj + l.grp, std::string(l.per->id));
    double progress = double(l.d - l.per->start) / double(l.per->end - l.per->start + 1);
    if (c_.grade >= 2 && l.hours >= 2 && subj != "pe" && !cancelled && progress > 0.65 &&
        !control_done_[ckey]) {
      control_done_[ckey] = 1;
      return {"control", "Контрольная работа: " + std::string(tl[(l.topic_ix + 1) % tl.size()])};
    }
    if (!seeds_.extra_control && c_.grade >= 5 && subj == "math" && control_done_[ckey] &&
        !cancelled) {
      // Seeds the control-limit warning once: a second control work in a period.
      seeds_.extra_control = true;
      return {"control", "Контрольная работа (повторная)"};
    }
    if ((subj == "phys" || subj == "chem" || subj == "bio") && l.topic_ix % 6 == 3)
      return {"lab", topic};
    if ((subj == "geo" || subj == "inf") && l.topic_ix % 5 == 2) return {"practical", topic};
    return {"lesson", topic};
  }

  void homework(ojson& j, const LessonG& l) {
    if (c_.grade == 1) seeds_.grade1_homework = true;
    j["homework"] = homework_text(r_, l.subj);
    // Teachers mostly enter homework within the hour after the lesson.
    int minute = bell_times[std::min<size_t>(l.pos, 7)][1] + r_.below(60);
    Day set_day = l.d;
    if (late_hw_left_ > 0 && r_.chance(0.002)) {
      --late_hw_left_;  // seeds the late-homework warning
      set_day = l.d + 1;
    }
    j["homework_set_at"] = ts(set_day, minute);
  }

  void lesson(Day d, const Period& per, size_t pos, const std::string& subj, const std::string& grp,
              int topic_ix) {
    LessonG l{fmt::format("{}-l{:05}", c_.id, ++lesson_no_),
              subj,
              grp,
              "",
              "",
              d,
              &per,
              pos,
              topic_ix,
              0};
    std::string teacher = grp.empty() ? c_.teacher[subj] : c_.group_teacher[grp];
    ojson j;
    j["id"] = l.id;
    j["class"] = c_.id;
    j["subject"] = subj;
    j["teacher"] = teacher;
    j["date"] = format_date(d);
    j["number"] = int(pos) + 1;
    if (!grp.empty()) j["group"] = grp;
    bool cancelled = r_.chance(0.003);
    l.author = teacher;
    if (!cancelled && r_.chance(0.02) && g_.teachers.size() > 1) {
      std::string sub = g_.teachers[r_.below(int(g_.teachers.size()))].id;
      if (sub != teacher) {
        j["substitute"] = sub;
        l.author = sub;
      }
    }
    for (auto& [s2, h] : c_.plan)
      if (s2 == subj) l.hours = h;
    auto [kind, topic] = kind_and_topic(l, cancelled);
    l.kind = kind;
    if (kind != "lesson") j["kind"] = kind;
    if (cancelled) {
      j["cancelled"] = true;
    } else if (no_topic_left_ > 0 && r_.chance(0.002)) {
      --no_topic_left_;  // seeds the no-topic warning
    } else {
      j["topic"] = topic;
    }
    j["room"] = std::to_string(100 * (1 + int(ci_) % 3) + 1 + int(ci_) % 20);
    if (!cancelled && (c_.grade >= 2 || (!seeds_.grade1_homework && subj == "math")) &&
        r_.chance(0.8))
      homework(j, l);
    co_.lessons.push_back(j);
    if (cancelled) return;
    double p_mark = std::clamp(7.0 / (l.hours * 8.0), 0.3, 0.8);
    for (int si : c_.students) attend(l, si, p_mark);
  }

  /// A student's record of a lesson they are enrolled in: absent, late, individual
  /// homework after illness, a mark.
  void attend(const LessonG& l, int si, double p_mark) {
    StudentG& s = g_.students[si];
    const StudentG::Enr* en = nullptr;
    for (auto& e : s.enr)
      if (e.cls == int(ci_) && l.d >= e.from && (!e.to || l.d <= *e.to)) en = &e;
    if (!en) return;
    if (!l.grp.empty() &&
        std::find(en->groups.begin(), en->groups.end(), l.grp) == en->groups.end())
      return;
    bool ill = false, valid = false;
    for (auto& [a, b] : s.ill) ill = ill || (l.d >= a && l.d <= b);
    for (Day v : s.valid_days) valid = valid || v == l.d;
    ojson a;
    if (ill || valid || r_.chance(0.003)) {
      a["student"] = s.id;
      a["lesson"] = l.id;
      a["status"] = "absent";
      a["reason"] = ill ? "illness" : valid ? "valid" : "unexcused";
      co_.attendance.push_back(a);
      return;
    }
    if (r_.chance(l.pos == 0 ? 0.012 : 0.002)) {
      a["student"] = s.id;
      a["lesson"] = l.id;
      a["status"] = "late";
      a["minutes"] = r_.range(2, 15);
      co_.attendance.push_back(a);
    }
    // Individual homework for a student back from illness.
    const auto& tl = topic_list(l.subj);
    for (auto& [ia, ib] : s.ill)
      if (l.d == ib + 1 && l.pos == 0 && c_.grade >= 2) {
        ojson h;
        h["lesson"] = l.id;
        h["student"] = s.id;
        h["text"] = fmt::format(
            "Разобрать пропущенную тему «{}» по учебнику и выполнить "
            "упражнения в конце параграфа",
            tl[(l.topic_ix + tl.size() - 1) % tl.size()]);
        co_.ihw.push_back(h);
      }
    bool give = l.kind == "control" || (l.kind == "lab" && r_.chance(0.7)) || r_.chance(p_mark);
    if (c_.grade == 1)
      give = !seeds_.grade1_mark && l.subj == "math" && l.topic_ix == 20 && r_.chance(0.2);
    if (!give) return;
    if (c_.grade == 1) seeds_.grade1_mark = true;  // seeds the grade1-mark warning
    mark(l, si);
  }

  void mark(const LessonG& l, int si) {
    static const std::map<std::string, std::string> work_of{{"lab", "lab"},
                                                            {"practical", "practical"}};
    StudentG& s = g_.students[si];
    ojson m;
    m["id"] = fmt::format("{}-m{:06}", c_.id, ++mark_no_);
    m["student"] = s.id;
    m["lesson"] = l.id;
    std::string value = mark_value(r_, s.level + s.subject_shift[l.subj]);
    m["value"] = value;
    std::string wt = l.kind == "control"                  ? "control"
                     : work_of.count(l.kind)              ? work_of.at(l.kind)
                     : l.subj == "rus" && r_.chance(0.15) ? "dictation"
                     : r_.chance(0.25)                    ? "independent"
                     : r_.chance(0.3)                     ? "homework"
                                                          : "answer";
    m["work_type"] = wt;
    double w = wt == "control" || wt == "dictation"                      ? 2
               : wt == "lab" || wt == "practical" || wt == "independent" ? 1.5
                                                                         : 1;
    if (wt == "answer" && r_.chance(0.02)) {
      m["weight"] = 2;  // a teacher's own weight for an extended answer
      w = 2;
      m["comment"] = "развёрнутый ответ у доски";
    }
    int delay = r_.chance(0.7) ? 0 : r_.chance(0.7) ? 1 : r_.range(2, 3);
    if (r_.chance(0.0008)) delay = c_.grade <= 4 ? r_.range(4, 9) : r_.range(8, 15);  // late-mark
    m["created_at"] = ts(l.d + delay, 14 * 60 + r_.below(7 * 60));
    m["author"] = l.author;
    auto& acc = sums_[{si, l.subj, l.per->id}];
    acc.first += std::stod(value) * w;
    acc.second += w;
    changes(m, l, value, delay);
    co_.marks.push_back(std::move(m));
  }

  /// A few marks are corrected later (mark_changes), some deleted.
  void changes(const ojson& m, const LessonG& l, const std::string& value, int delay) {
    if (r_.chance(0.003)) {
      ojson ch;
      ch["mark"] = m["id"];
      std::string old =
          std::to_string(std::clamp(std::stoi(value) + (r_.chance(0.5) ? 1 : -1), 2, 5));
      if (old == value) old = value == "5" ? "4" : "5";
      ch["changed_at"] = ts(l.d + delay + r_.range(0, 3), 15 * 60 + r_.below(6 * 60));
      ch["teacher"] = l.author;
      ch["old"] = old;
      ch["new"] = value;
      co_.changes.push_back(ch);
    }
    if (r_.chance(0.0005)) {
      ojson ch;
      ch["mark"] = fmt::format("{}-md{:04}", c_.id, ++deleted_no_);
      ch["changed_at"] = ts(l.d + delay, 16 * 60 + r_.below(4 * 60));
      ch["teacher"] = l.author;
      ch["old"] = "2";
      ch["new"] = nullptr;
      co_.changes.push_back(ch);
    }
  }
};

/// One change long after the edit lock ("1m" in settings) seeds the late-change warning;
/// then nothing is recorded after the cut: mark changes made later are dropped too.
void late_and_cut_changes(Gen& g, std::vector<ClassOut>& outs, Day until) {
  for (auto& co : outs)
    if (co.marks.size() > 100) {
      const ojson& m = co.marks[100];
      std::string when = m["created_at"].get<std::string>();
      Day d = *parse_date(when.substr(0, 10)) + 45;
      ojson ch;
      ch["mark"] = m["id"];
      ch["changed_at"] = ts(std::min(d, g.year_end), 10 * 60);
      ch["teacher"] = m["author"];
      ch["old"] = m["value"] == "3" ? "2" : "3";
      ch["new"] = m["value"];
      co.changes.push_back(ch);
      break;
    }
  for (auto& co : outs) {
    ojson kept = ojson::array();
    for (auto& ch : co.changes)
      if (*parse_date(ch["changed_at"].get<std::string>().substr(0, 10)) <= until)
        kept.push_back(ch);
    co.changes = kept;
  }
}

// ---- final marks: period marks from the weighted averages, then year, exam, final ----------

/// Warnings seeded once among the final marks.
struct FinalSeeds {
  bool mismatch = false, osv = false;
};

void subject_finals(Gen& g, size_t ci, int si, const std::string& subj, const Sums& sums,
                    FinalSeeds& seeds, ClassOut& co, Day until) {
  Rng& r = g.r;
  const ClassG& c = g.classes[ci];
  const StudentG& s = g.students[si];
  const std::string& teacher = c.teacher.at(subj);
  // Period marks come from the class the student was in at the period's end.
  auto in_class_at = [&](Day d) {
    for (auto& e : s.enr)
      if (d >= e.from && (!e.to || d <= *e.to)) return e.cls == int(ci);
    return false;
  };
  const SubjectDef& sd = subject_def(subj);
  std::vector<double> period_values;
  for (const auto& p : periods()) {
    if (p.senior != (c.grade >= 10) || !in_class_at(p.end) || p.end > until) continue;
    auto it = sums.find({si, subj, p.id});
    std::string value;
    if (!sd.graded) {
      value = "зач";
    } else if (it == sums.end() || it->second.second == 0) {
      value = "н/а";
    } else {
      value = forecast_of(it->second.first / it->second.second);
      if (!seeds.mismatch && value == "3" && c.grade >= 5) {
        value = "5";  // seeds the forecast-mismatch warning
        seeds.mismatch = true;
      }
      period_values.push_back(std::stod(value));
    }
    co.finals.push_back(final_json(s.id, subj, p.id, value, ts(p.end, 16 * 60), teacher));
  }
  if (!in_class_at(g.study_end) || D("2024-05-24") > until) return;
  std::string year_value = "зач";
  if (sd.graded) {
    if (period_values.empty()) {
      year_value = "н/а";
    } else {
      double sum = 0;
      for (double v : period_values) sum += v;
      year_value = forecast_of(sum / period_values.size());
    }
    if (!seeds.osv && subj == "pe" && c.grade >= 5) {
      year_value = "осв";  // seeds the osv-final warning
      seeds.osv = true;
    }
  }
  co.finals.push_back(
      final_json(s.id, subj, "year", year_value, ts(D("2024-05-24"), 17 * 60), teacher));
  if ((c.grade != 9 && c.grade != 11) || D("2024-06-20") > until) return;
  std::string final_value = year_value;
  bool exam_subject = subj == "rus" || subj == "alg";
  if (exam_subject && year_value.size() == 1) {
    int exam = std::clamp(std::stoi(year_value) + r.range(-1, 1), 2, 5);
    if (exam == 2) exam = 3;  // a failed exam is retaken before the final mark
    co.finals.push_back(final_json(s.id, subj, "exam", std::to_string(exam),
                                   ts(D("2024-06-14"), 12 * 60), teacher));
    final_value = forecast_of((std::stoi(year_value) + exam) / 2.0 + 0.01);
  }
  co.finals.push_back(
      final_json(s.id, subj, "final", final_value, ts(D("2024-06-20"), 12 * 60), teacher));
}

void final_marks(Gen& g, const Sums& sums, std::vector<ClassOut>& outs, Day until) {
  FinalSeeds seeds;
  for (size_t ci = 0; ci < g.classes.size(); ++ci) {
    const ClassG& c = g.classes[ci];
    if (c.grade == 1) continue;  // grade 1 is not marked
    for (int si : c.students)
      for (auto& [subj, h] : c.plan) subject_finals(g, ci, si, subj, sums, seeds, outs[ci], until);
  }
}

// ---- remarks and guardians ------------------------------------------------------------------

void remarks(Gen& g, std::vector<ClassOut>& outs, Day until) {
  static const std::vector<std::pair<const char*, const char*>> remark_texts{
      {"praise", "Благодарность за **активное участие** в школьной олимпиаде"},
      {"praise", "Отличный ответ на уроке, так держать!"},
      {"remark", "Опоздал(а) на урок без уважительной причины"},
      {"remark", "Нет сменной обуви"},
      {"remark", "Не выполнено домашнее задание"},
      {"recommendation",
       "Рекомендуется повторить тему по учебнику:\n\n- правила на с. 45\n- упр. 112"},
      {"recommendation", "Рекомендуется посещать консультации по четвергам после 6 урока"}};
  Rng& r = g.r;
  long long remark_no = 0;
  for (size_t ci = 0; ci < g.classes.size(); ++ci) {
    ClassG& c = g.classes[ci];
    for (int si : c.students) {
      StudentG& s = g.students[si];
      if (s.enr[0].cls != int(ci)) continue;
      for (int k = r.below(4); k > 0; --k) {
        Day d = g.random_school_day(c, std::max(g.study_start, s.enr[0].from),
                                    s.enr[0].to ? *s.enr[0].to : g.study_end);
        const auto& [kind, text] = remark_texts[r.below(int(remark_texts.size()))];
        ojson m;
        m["id"] = fmt::format("r{:05}", ++remark_no);
        m["student"] = s.id;
        m["date"] = format_date(d);
        m["teacher"] = c.teacher[c.plan[r.below(int(c.plan.size()))].first];
        m["text"] = text;
        m["kind"] = kind;
        if (d <= until) outs[ci].remarks.push_back(m);
      }
    }
  }
}

/// A family's guardians without ids: a mother and most often a father, or (3%) a guardian.
std::vector<ojson> family_guardians(Gen& g, const FamilyG& f) {
  Rng& r = g.r;
  const auto& father = names::male()[f.father];
  std::vector<ojson> gs;
  if (r.chance(0.03)) {
    const auto& gf = r.pick(names::male());
    ojson p = person_json("", names::female_surname(r.pick(names::surnames())),
                          r.pick(names::female()), gf.patronymic_f);
    p["relation"] = "опекун";
    gs.push_back(p);
    return gs;
  }
  const auto& mf = r.pick(names::male());
  ojson m =
      person_json("", names::female_surname(f.surname_m), r.pick(names::female()), mf.patronymic_f);
  m["relation"] = "мать";
  gs.push_back(m);
  if (r.chance(0.85)) {
    const auto& ff = r.pick(names::male());
    ojson p = person_json("", f.surname_m, father.name, ff.patronymic_m);
    p["relation"] = "отец";
    gs.push_back(p);
  }
  return gs;
}

ojson guardians_json(Gen& g) {
  Rng& r = g.r;
  ojson guardians = ojson::array();
  int guardian_no = 0;
  bool mixed_done = false;
  auto phone = [&] {
    return fmt::format("+7 9{:02} {:03}-{:02}-{:02}", r.below(100), r.below(1000), r.below(100),
                       r.below(100));
  };
  for (const FamilyG& f : g.families) {
    if (f.children.empty()) continue;
    ojson kids = ojson::array();
    for (int ch : f.children) kids.push_back(g.students[ch].id);
    std::vector<ojson> gs = family_guardians(g, f);
    for (size_t k = 0; k < gs.size(); ++k) {
      ojson out_p;
      out_p["id"] = fmt::format("g{:04}", ++guardian_no);
      for (auto it = gs[k].begin(); it != gs[k].end(); ++it)
        if (it.key() != "id") out_p[it.key()] = *it;
      out_p["children"] = kids;
      bool paper = r.chance(0.05);
      // One family with a paper and an electronic guardian (the extract tests need it).
      if (!mixed_done && gs.size() == 2) {
        paper = k == 0;
        if (k == 1) mixed_done = true;
      }
      if (paper) {
        out_p["phone"] = phone();
        out_p["delivery"] = "paper";
      } else if (guardian_no != 3) {  // guardian g0003 has no contact: guardian-no-contact
        out_p["email"] = fmt::format("parent{:04}@example.ru", guardian_no);
        if (r.chance(0.7)) out_p["phone"] = phone();
      }
      guardians.push_back(out_p);
    }
  }
  ojson p = person_json(fmt::format("g{:04}", ++guardian_no), "Сидорова", "Нина", "Петровна");
  p["relation"] = "бабушка";
  p["children"] = ojson::array();  // seeds guardian-no-children
  p["email"] = "nina.sidorova@example.ru";
  guardians.push_back(p);
  return guardians;
}

// ---- the school file ------------------------------------------------------------------------

ojson school_json() {
  ojson school;
  school["id"] = "school-1";
  school["name"] =
      "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № "
      "1»";
  school["short_name"] = "МБОУ «СОШ № 1»";
  school["city"] = "Тверь";
  school["address"] = "170100, г. Тверь, ул. Советская, д. 1";
  school["phone"] = "+7 4822 00-00-01";
  school["email"] = "school1@example.ru";
  school["website"] = "https://school1.example.ru";
  school["timezone"] = "Europe/Moscow";
  school["director"] = {
      {"last_name", "Ковалёва"}, {"first_name", "Алёна"}, {"middle_name", "Сергеевна"}};
  school["source_system_id"] = "ej-0001";  // not in the format: seeds the unknown-field warning
  return school;
}

ojson periods_json() {
  ojson jperiods = ojson::array();
  for (const auto& p : periods()) {
    ojson x{{"id", p.id},
            {"kind", p.kind},
            {"name", p.name},
            {"start", format_date(p.start)},
            {"end", format_date(p.end)}};
    x["grades"] = p.senior ? ojson{10, 11} : ojson{1, 2, 3, 4, 5, 6, 7, 8, 9};
    jperiods.push_back(x);
  }
  jperiods.push_back({{"id", "year"},
                      {"kind", "year"},
                      {"name", "Год"},
                      {"start", "2023-09-01"},
                      {"end", "2024-05-24"}});
  return jperiods;
}

ojson holidays_json(const Gen& g) {
  static const std::vector<const char*> holiday_names{"Осенние каникулы",
                                                      "Зимние каникулы",
                                                      "День защитника Отечества",
                                                      "Международный женский день",
                                                      "Весенние каникулы",
                                                      "Праздник Весны и Труда",
                                                      "День Победы"};
  ojson jholidays = ojson::array();
  for (size_t k = 0; k < g.holidays.size(); ++k)
    jholidays.push_back({{"start", format_date(g.holidays[k].first)},
                         {"end", format_date(g.holidays[k].second)},
                         {"name", holiday_names[k]}});
  return jholidays;
}

ojson bells_json() {
  ojson bells = ojson::array();
  for (int k = 0; k < 8; ++k)
    bells.push_back(
        {{"number", k + 1},
         {"start", fmt::format("{:02}:{:02}", bell_times[k][0] / 60, bell_times[k][0] % 60)},
         {"end", fmt::format("{:02}:{:02}", bell_times[k][1] / 60, bell_times[k][1] % 60)}});
  return bells;
}

ojson work_types_json() {
  return ojson::array(
      {{{"id", "answer"}, {"name", "Ответ на уроке"}, {"weight", 1}},
       {{"id", "homework"}, {"name", "Домашняя работа"}, {"weight", 1}},
       {{"id", "independent"}, {"name", "Самостоятельная работа"}, {"weight", 1.5}},
       {{"id", "dictation"}, {"name", "Диктант"}, {"weight", 2}},
       {{"id", "lab"}, {"name", "Лабораторная работа"}, {"weight", 1.5}},
       {{"id", "practical"}, {"name", "Практическая работа"}, {"weight", 1.5}},
       {{"id", "control"}, {"name", "Контрольная работа"}, {"weight", 2}, {"control", true}}});
}

ojson subjects_json() {
  ojson subjects = ojson::array();
  int order = 0;
  for (const auto& s : subject_defs()) {
    ojson x{{"id", s.id}, {"name", s.name}, {"short_name", s.short_name}, {"order", ++order}};
    if (!s.graded) x["graded"] = false;
    subjects.push_back(x);
  }
  return subjects;
}

/// The school's events, and per class a parents' meeting and (every other class) a trip.
ojson events_json(Gen& g) {
  ojson events = ojson::array(
      {{{"id", "ev-knowledge"},
        {"date", "2023-09-01"},
        {"title", "Торжественная линейка, посвящённая Дню знаний"},
        {"text", "Сбор у главного входа в **8:30**. Форма — парадная."}},
       {{"id", "ev-teacher"},
        {"date", "2023-10-05"},
        {"title", "День учителя: день самоуправления"}},
       {{"id", "ev-olymp"},
        {"date", "2023-10-10"},
        {"end_date", "2023-10-20"},
        {"title", "Школьный этап всероссийской олимпиады школьников"},
        {"text", "Расписание туров — на [сайте школы](https://school1.example.ru/olymp)."}},
       {{"id", "ev-newyear"}, {"date", "2023-12-27"}, {"title", "Новогодний концерт"}},
       {{"id", "ev-victory"},
        {"date", "2024-05-08"},
        {"title", "Митинг у памятника героям Великой Отечественной войны"}},
       {{"id", "ev-lastbell"}, {"date", "2024-05-24"}, {"title", "Последний звонок"}}});
  for (size_t ci = 0; ci < g.classes.size(); ++ci) {
    ClassG& c = g.classes[ci];
    events.push_back(
        {{"id", "ev-meeting-" + c.id},
         {"date", format_date(g.random_school_day(c, D("2023-09-11"), D("2023-09-29")))},
         {"title", "Родительское собрание"},
         {"classes", ojson::array({c.id})},
         {"text",
          "Начало в 18:00, кабинет классного руководителя.\n\n1. Итоги адаптации\n2. План на "
          "год"}});
    if (ci % 2 == 0)
      events.push_back(
          {{"id", "ev-trip-" + c.id},
           {"date", format_date(g.random_school_day(c, D("2024-04-02"), D("2024-05-20")))},
           {"title", "Экскурсия в краеведческий музей"},
           {"classes", ojson::array({c.id})}});
  }
  return events;
}

// ---- staff and students ---------------------------------------------------------------------

ojson teachers_json(const Gen& g) {
  ojson jteachers = ojson::array();
  for (const auto& t : g.teachers) {
    ojson p = person_json(t.id, t.last, t.first, t.middle);
    p["position"] = t.position;
    jteachers.push_back(p);
  }
  return jteachers;
}

ojson classes_json(const Gen& g) {
  ojson jclasses = ojson::array();
  for (const auto& c : g.classes) {
    ojson x{{"id", c.id},
            {"name", c.name},
            {"grade", c.grade},
            {"homeroom_teacher", c.homeroom},
            {"days_per_week", c.days}};
    ojson groups = ojson::array();
    if (c.groups_eng) {
      groups.push_back({{"id", c.id + "-en1"}, {"subject", "eng"}, {"name", "1 группа"}});
      groups.push_back({{"id", c.id + "-en2"}, {"subject", "eng"}, {"name", "2 группа"}});
    }
    if (c.groups_tech) {
      groups.push_back({{"id", c.id + "-tech1"}, {"subject", "tech"}, {"name", "1 группа"}});
      groups.push_back({{"id", c.id + "-tech2"}, {"subject", "tech"}, {"name", "2 группа"}});
    }
    if (!groups.empty()) x["groups"] = groups;
    jclasses.push_back(x);
  }
  return jclasses;
}

ojson students_json(const Gen& g) {
  ojson jstudents = ojson::array();
  for (const auto& s : g.students) {
    ojson p = person_json(s.id, s.last, s.first, s.middle);
    p["birth_date"] = format_date(s.birth);
    if (!s.consent) p["consent"] = false;
    ojson enr = ojson::array();
    for (const auto& e : s.enr) {
      ojson x{{"class", g.classes[e.cls].id}, {"from", format_date(e.from)}};
      if (e.to) x["to"] = format_date(*e.to);
      if (!e.groups.empty()) x["groups"] = e.groups;
      if (!e.reason_in.empty()) x["reason_in"] = e.reason_in;
      if (!e.reason_out.empty()) x["reason_out"] = e.reason_out;
      enr.push_back(x);
    }
    p["enrollments"] = enr;
    jstudents.push_back(p);
  }
  return jstudents;
}

/// Three files a class, as exports split by kind, and the marks in two halves of the
/// year's list, so that no file grows past 2 MB.
void write_class_files(const fs::path& journal, const ClassG& c, const ClassOut& co) {
  std::string base = (journal / c.id).string();
  write_file(base + "-lessons.json",
             {{"lessons", co.lessons}, {"individual_homework", co.ihw}, {"remarks", co.remarks}});
  ojson first = ojson::array(), second = ojson::array();
  for (size_t k = 0; k < co.marks.size(); ++k)
    (k < co.marks.size() / 2 ? first : second).push_back(co.marks[k]);
  write_file(base + "-marks-1.json", {{"marks", first}});
  write_file(base + "-marks-2.json", {{"marks", second}, {"mark_changes", co.changes}});
  write_file(base + "-results.json", {{"attendance", co.attendance}, {"final_marks", co.finals}});
}

}  // namespace

int run_sample(const SampleOptions& o, std::ostream& out) {
  Day until = parse_until(o.until);
  Gen g(o.seed);
  // Each phase draws from its own stream, so that cutting the year (--until) changes
  // only what comes after the cut, not the families or the other classes.
  auto phase = [&](uint64_t n) { g.r = Rng(o.seed * 7919 + n); };
  make_classes(g, o.students);
  assign_teachers(g);
  make_students(g, o.students);
  move_students(g);
  plan_absences(g);

  std::vector<ClassOut> outs(g.classes.size());
  Sums sums;
  SchoolSeeds seeds;
  for (size_t ci = 0; ci < g.classes.size(); ++ci) {
    phase(100 + ci);
    ClassYear(g, ci, outs[ci], sums, seeds).run(until);
  }
  late_and_cut_changes(g, outs, until);
  phase(1);
  final_marks(g, sums, outs, until);
  phase(2);
  remarks(g, outs, until);
  phase(3);
  ojson guardians = guardians_json(g);
  ojson school = school_json();
  ojson year{{"label", "2023/2024"}, {"start", "2023-09-01"}, {"end", "2024-06-30"}};
  ojson settings{{"control_limit", 1}, {"min_marks", 3}, {"edit_lock", "1m"}};
  ojson jperiods = periods_json(), jholidays = holidays_json(g);
  ojson events = events_json(g);

  fs::create_directories(fs::path(o.out) / "journal");
  // Exported in the evening of its last day (`--until`, else the year's end): day N+1's
  // sample is a later export than day N's, so importing them out of order is refused as
  // a real journal's would be.
  const std::string exported_at =
      format_date(std::min(until, D("2024-06-30"))) + "T20:00:00+03:00";
  write_file(fs::path(o.out) / "school.json", {{"exported_at", exported_at},
                                               {"school", school},
                                               {"year", year},
                                               {"settings", settings},
                                               {"periods", jperiods},
                                               {"holidays", jholidays},
                                               {"bells", bells_json()},
                                               {"work_types", work_types_json()},
                                               {"subjects", subjects_json()},
                                               {"events", events}});
  write_file(fs::path(o.out) / "staff.json",
             {{"teachers", teachers_json(g)}, {"classes", classes_json(g)}});
  write_file(fs::path(o.out) / "students.json",
             {{"students", students_json(g)}, {"guardians", guardians}});
  long long n_marks = 0, n_lessons = 0;
  for (size_t ci = 0; ci < g.classes.size(); ++ci) {
    n_marks += outs[ci].marks.size();
    n_lessons += outs[ci].lessons.size();
    write_class_files(fs::path(o.out) / "journal", g.classes[ci], outs[ci]);
  }
  out << fmt::format(
      "wrote a sample journal to {}: {} classes, {} students, {} guardians, {} teachers, "
      "{} lessons, {} marks\n",
      o.out, g.classes.size(), g.students.size(), guardians.size(), g.teachers.size(), n_lessons,
      n_marks);
  return 0;
}

}  // namespace jp
