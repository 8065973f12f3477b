#include "print/archive_doc.h"

#include "core/text.h"
#include "core/wording.h"

namespace jp {

std::string school_label(const Journal& j) {
  return j.school.short_name.empty() ? j.school.name : j.school.short_name;
}

ArchivePdf finish_archive_pdf(PdfDoc& doc, const Journal& j, Day today, bool landscape,
                              const SignerInfo* signer) {
  const Locale& loc = Locale::ru();
  std::string director = short_name(j.school.director);
  doc.new_page(landscape);
  doc.bookmark(loc.text("pdf.certification_title"));
  int pages = doc.pages();
  int sheets = (pages + 1) / 2;  // printed on both sides
  std::string cert = loc.format(
      "pdf.certification",
      {{"count", std::to_string(sheets)},
       {"words", loc.number_words(sheets)},
       {"sheets", std::string(plural(sheets, loc.text("pdf.sheets_one"), loc.text("pdf.sheets_few"),
                                     loc.text("pdf.sheets_many")))}});
  float y = doc.top() - 40;
  for (const auto& line : doc.wrap(PdfDoc::regular, 12, cert, doc.right() - doc.left())) {
    doc.text(doc.left(), y, PdfDoc::regular, 12, line);
    y -= 18;
  }
  y -= 30;
  doc.text(doc.left(), y, PdfDoc::regular, 11,
           loc.format("pdf.sign_director", {{"name", director}}));
  doc.text(
      doc.left(), y - 22, PdfDoc::regular, 11,
      loc.text("pdf.seal") + "        " + loc.format("pdf.date", {{"date", loc.date_full(today)}}));
  ArchivePdf r;
  if (signer)
    r.stamp_rect = doc.stamp(
        {loc.text("pdf.stamp_title"), loc.format("pdf.stamp_owner", {{"name", signer->subject}}),
         loc.format("pdf.stamp_serial", {{"serial", signer->serial}}),
         loc.format("pdf.stamp_valid", {{"from", loc.date_short(signer->not_before)},
                                        {"to", loc.date_short(signer->not_after)}})});
  r.bytes = doc.finish(loc.text("pdf.page"));
  return r;
}

}  // namespace jp
