#include "sample/curriculum.h"

#include <map>
#include <stdexcept>

#include "sample/data.h"

namespace jp::sample {

const std::vector<SubjectDef>& subject_defs() {
  static const std::vector<SubjectDef> v{
      {"rus", "Русский язык", "Рус. яз.", true, "учитель русского языка и литературы"},
      {"read", "Литературное чтение", "Лит. чт.", true, "учитель начальных классов"},
      {"lit", "Литература", "Лит-ра", true, "учитель русского языка и литературы"},
      {"eng", "Иностранный язык (английский)", "Англ. яз.", true, "учитель английского языка"},
      {"math", "Математика", "Матем.", true, "учитель математики"},
      {"alg", "Алгебра", "Алгебра", true, "учитель математики"},
      {"geom", "Геометрия", "Геом.", true, "учитель математики"},
      {"stat", "Вероятность и статистика", "Вер. и стат.", true, "учитель математики"},
      {"inf", "Информатика", "Информ.", true, "учитель информатики"},
      {"world", "Окружающий мир", "Окр. мир", true, "учитель начальных классов"},
      {"hist", "История", "История", true, "учитель истории и обществознания"},
      {"soc", "Обществознание", "Общ-ние", true, "учитель истории и обществознания"},
      {"geo", "География", "Геогр.", true, "учитель географии"},
      {"bio", "Биология", "Биол.", true, "учитель биологии"},
      {"phys", "Физика", "Физика", true, "учитель физики"},
      {"chem", "Химия", "Химия", true, "учитель химии"},
      {"orkse", "Основы религиозных культур и светской этики", "ОРКСЭ", false,
       "учитель начальных классов"},
      {"music", "Музыка", "Музыка", true, "учитель музыки"},
      {"art", "Изобразительное искусство", "ИЗО", true, "учитель изобразительного искусства"},
      {"tech", "Труд (технология)", "Труд", true, "учитель технологии"},
      {"obzr", "Основы безопасности и защиты Родины", "ОБЗР", true,
       "преподаватель-организатор ОБЗР"},
      {"pe", "Физическая культура", "Физ-ра", true, "учитель физической культуры"},
      {"proj", "Индивидуальный проект", "Инд. проект", true, "учитель информатики"},
  };
  return v;
}

std::vector<std::pair<std::string, int>> curriculum(int g) {
  if (g == 1)
    return {{"rus", 5},   {"read", 4}, {"math", 4}, {"world", 2},
            {"music", 1}, {"art", 1},  {"tech", 1}, {"pe", 2}};
  if (g <= 4) {
    std::vector<std::pair<std::string, int>> c{{"rus", 5},   {"read", g == 4 ? 3 : 4},
                                               {"eng", 2},   {"math", 4},
                                               {"world", 2}, {"music", 1},
                                               {"art", 1},   {"tech", 1},
                                               {"pe", 2}};
    if (g == 4) c.insert(c.begin() + 5, {"orkse", 1});
    return c;
  }
  if (g <= 9) {
    std::vector<std::pair<std::string, int>> c;
    c.push_back({"rus", g == 5 ? 5 : g == 6 ? 6 : g == 7 ? 4 : 3});
    c.push_back({"lit", g == 7 || g == 8 ? 2 : 3});
    c.push_back({"eng", 3});
    if (g <= 6) {
      c.push_back({"math", 5});
    } else {
      c.push_back({"alg", 3});
      c.push_back({"geom", 2});
      c.push_back({"stat", 1});
      c.push_back({"inf", 1});
    }
    c.push_back({"hist", g == 9 ? 3 : 2});
    if (g >= 6) c.push_back({"soc", 1});
    c.push_back({"geo", g <= 6 ? 1 : 2});
    c.push_back({"bio", g <= 7 ? 1 : 2});
    if (g >= 7) c.push_back({"phys", g == 9 ? 3 : 2});
    if (g >= 8) c.push_back({"chem", 2});
    if (g <= 8) c.push_back({"music", 1});
    if (g <= 7) c.push_back({"art", 1});
    c.push_back({"tech", g <= 7 ? 2 : 1});
    if (g >= 8) c.push_back({"obzr", 1});
    c.push_back({"pe", 2});
    return c;
  }
  return {{"rus", 2},  {"lit", 3},  {"eng", 3}, {"alg", 4}, {"geom", 3}, {"stat", 1},
          {"inf", 1},  {"hist", 2}, {"soc", 2}, {"geo", 1}, {"bio", 1},  {"phys", 2},
          {"chem", 1}, {"obzr", 1}, {"pe", 2},  {"proj", 1}};
}

const SubjectDef& subject_def(const std::string& id) {
  for (const auto& s : subject_defs())
    if (id == s.id) return s;
  throw std::logic_error("unknown subject " + id);
}

namespace {

/// The topics of templates/sample/topics.json by (subject, grade), the bands expanded.
const std::map<std::pair<std::string, int>, std::vector<std::string>>& topic_table() {
  static const auto table = [] {
    std::map<std::pair<std::string, int>, std::vector<std::string>> t;
    for (const auto& [subject, bands] : sample_data("topics.json").items())
      for (const auto& [band, list] : bands.items()) {
        size_t dash = band.find('-');
        int from = std::stoi(band.substr(0, dash));
        int to = dash == std::string::npos ? from : std::stoi(band.substr(dash + 1));
        for (int g = from; g <= to; ++g)
          if (!t.emplace(std::pair{subject, g}, list.get<std::vector<std::string>>()).second)
            throw std::logic_error("topics.json: " + subject + " has two lists for grade " +
                                   std::to_string(g));
      }
    return t;
  }();
  return table;
}

}  // namespace

const std::vector<std::string>& topics(const std::string& subject, int grade) {
  auto it = topic_table().find({subject, grade});
  if (it == topic_table().end() || it->second.empty())
    throw std::logic_error("topics.json: no topics for " + subject + " in grade " +
                           std::to_string(grade));
  return it->second;
}

}  // namespace jp::sample
