#include "site/render_html.h"

#include <catch2/catch.hpp>

using namespace jp;

TEST_CASE("markdown: a homework that starts with a block HTML tag is shown as text, not dropped") {
  // cmark's safe mode replaced the whole block by a comment: the homework vanished.
  CHECK(markdown_html("<p>Упр. 5, стр. 12</p>") == "<p>&lt;p&gt;Упр. 5, стр. 12&lt;/p&gt;</p>\n");
  CHECK(markdown_html("<div>\nПараграф 3\n</div>\n\n**Выучить** правило") ==
        "<p>&lt;div&gt;\nПараграф 3\n&lt;/div&gt;</p>\n<p><strong>Выучить</strong> правило</p>\n");
  CHECK(markdown_html("Прочитать <b>главу</b> 2") ==
        "<p>Прочитать &lt;b&gt;главу&lt;/b&gt; 2</p>\n");
  CHECK(markdown_html("<script>alert(1)</script>") ==
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
  CHECK(markdown_plain("<p>Упр. 5</p>\n\nи <i>№ 7</i>") == "<p>Упр. 5</p> и <i>№ 7</i>");
}

TEST_CASE("markdown: unsafe links are still dropped") {
  CHECK(markdown_html("[x](javascript:alert(1))") ==
        "<p><a rel=\"noreferrer noopener\" href=\"\">x</a></p>\n");
}

TEST_CASE("markdown: nothing loads from another host; links carry no referrer") {
  // An image would be fetched from the tracker whenever the page opens.
  CHECK(markdown_html("Схема: ![рисунок 1](https://tracker.example/i.png \"t\")") ==
        "<p>Схема: <a rel=\"noreferrer noopener\" href=\"https://tracker.example/i.png\" "
        "title=\"t\">рисунок 1</a></p>\n");
  CHECK(markdown_html("![](//tracker.example/i.png)") ==
        "<p><a rel=\"noreferrer noopener\" href=\"//tracker.example/i.png\">"
        "//tracker.example/i.png</a></p>\n");
  CHECK(markdown_html("[учебник](https://edu.example/book) и <https://x.example/>") ==
        "<p><a rel=\"noreferrer noopener\" href=\"https://edu.example/book\">учебник</a> и "
        "<a rel=\"noreferrer noopener\" href=\"https://x.example/\">https://x.example/</a></p>\n");
  // Text that looks like a link tag stays text.
  CHECK(markdown_html("`<a href=\"x\">`") == "<p><code>&lt;a href=&quot;x&quot;&gt;</code></p>\n");
  CHECK(markdown_plain("![рисунок 1](https://tracker.example/i.png)") == "рисунок 1");
}
