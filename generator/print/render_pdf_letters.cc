#include "print/render_pdf_letters.h"

#include <algorithm>

#include "core/wording.h"
#include "print/archive_doc.h"
#include "print/pdf.h"

namespace jp {
std::vector<LetterBatch> letter_batches(const Journal& j, const std::vector<FamilyArea>& areas,
                                        Day today) {
  std::vector<LetterBatch> by_class(j.classes.size());
  for (const auto& a : areas) {
    int c = class_at(j.students[a.children.front()], today);
    if (c < 0) continue;
    by_class[c].class_ix = c;
    by_class[c].areas.push_back(a);
  }
  std::vector<LetterBatch> out;
  for (auto& b : by_class)
    if (!b.areas.empty()) out.push_back(std::move(b));
  return out;
}

std::string render_pdf_letters(const Journal& j, const LetterBatch& b, const std::string& base_url,
                               Day today) {
  const Locale& loc = Locale::ru();
  PdfDoc doc(loc.format("letter.doc_title", {{"class", j.classes[b.class_ix].name}}),
             school_label(j), j.school.name);
  auto issued = [&](size_t i) { return i < b.issued.size() && b.issued[i] ? b.issued[i] : today; };
  Day latest = 0;
  for (size_t i = 0; i < b.areas.size(); ++i) latest = std::max(latest, issued(i));
  doc.set_date(year_of(latest), month_of(latest), day_of_month(latest));
  for (size_t i = 0; i < b.areas.size(); ++i) {
    const FamilyArea& a = b.areas[i];
    const Guardian& g = j.guardians[a.guardian];
    doc.set_record("guardian " + g.id);
    // Each notice on its own sheet (duplex printing leaves the back blank).
    if (doc.pages() % 2 == 1) doc.new_page(false);
    doc.new_page(false);
    doc.bookmark(full_name(g.person));
    float y = doc.top(), width = doc.right() - doc.left();
    auto para = [&](PdfDoc::Font f, float size, const std::string& text, float after = 4) {
      for (const auto& l : doc.wrap(f, size, text, width)) {
        y -= size * 1.35f;
        doc.text(doc.left(), y, f, size, l);
      }
      y -= after;
    };
    auto centred = [&](PdfDoc::Font f, float size, const std::string& text) {
      y -= size * 1.35f;
      doc.text((doc.left() + doc.right() - doc.width(f, size, text)) / 2, y, f, size, text);
    };
    para(PdfDoc::regular, 10, j.school.name, 20);
    centred(PdfDoc::bold, 15, loc.text("letter.title"));
    centred(PdfDoc::regular, 11, loc.text("letter.subtitle"));
    y -= 16;
    para(PdfDoc::bold, 11, loc.format("letter.greeting", {{"name", full_name(g.person)}}));
    std::string children;
    for (int c : a.children) {
      int cls = class_at(j.students[c], today);
      children += (children.empty() ? "" : "; ") +
                  loc.format("letter.child", {{"name", full_name(j.students[c].person)},
                                              {"class", cls >= 0 ? j.classes[cls].name : ""}});
    }
    para(PdfDoc::regular, 11, loc.format("letter.body", {{"children", children}}), 10);
    // Plain mode: `f/<token>/`; encrypted mode: `#<family key>`, longer and unbreakable,
    // so the line is set smaller until it fits.
    std::string url = base_url + a.address;
    para(PdfDoc::regular, 11, loc.text("letter.address"), 2);
    float url_size = 12;
    while (url_size > 7 && doc.width(PdfDoc::bold, url_size, url) > width) url_size -= 0.5f;
    para(PdfDoc::bold, url_size, url, 4);
    std::string token = a.address.starts_with("#") ? a.address.substr(1)
                                                   : a.folder.substr(a.folder.find('/') + 1),
                grouped;
    for (size_t i = 0; i < token.size(); i += 4)
      grouped += (grouped.empty() ? "" : " ") + token.substr(i, 4);
    para(PdfDoc::regular, 10, loc.format("letter.code", {{"code", grouped}}), 8);
    if (a.epoch > 1) para(PdfDoc::bold, 10, loc.text("letter.reissued"), 8);
    para(PdfDoc::regular, 10, loc.text("letter.qr"), 4);
    const float qr = 130;
    doc.qr(doc.left(), y, qr, url);
    y -= qr + 14;
    para(PdfDoc::bold, 11, loc.text("letter.keep_title"), 2);
    para(PdfDoc::regular, 10, loc.text("letter.keep"), 8);
    para(PdfDoc::bold, 11, loc.text("letter.breach_title"), 2);
    para(PdfDoc::regular, 10, loc.text("letter.breach"), 24);
    para(PdfDoc::regular, 11,
         loc.format("letter.sign_director", {{"name", short_name(j.school.director)}}), 6);
    para(PdfDoc::regular, 11,
         loc.text("pdf.seal") + "        " +
             loc.format("pdf.date", {{"date", loc.date_full(issued(i))}}),
         18);
    para(PdfDoc::regular, 10, loc.format("letter.received", {{"name", short_name(g.person)}}));
  }
  return doc.finish("");
}

}  // namespace jp
