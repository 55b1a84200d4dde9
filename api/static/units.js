// The unit list (/units) and one unit's page (/units/{key}).
"use strict";

async function getJSON(url) {
  const response = await fetch(url, {headers: {Accept: "application/json"}});
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function unitLink(ref) {
  return el("a", {href: safeHref(ref.href), class: "unit-link"}, ref.name);
}

async function showList(root) {
  const units = await getJSON("/api/units");
  const byParent = new Map();
  const keys = new Set(units.map(u => u.key));
  for (const u of units) {
    const parent = u.parent && keys.has(u.parent.key) ? u.parent.key : "";
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push(u);
  }
  const tree = parent => el("ul", {}, (byParent.get(parent) || []).map(u =>
    el("li", {}, unitLink(u), u.code ? el("span", {class: "muted"}, ` ${u.code}`) : null, " ", el("span", {class: "muted"}, u.region),
       byParent.has(u.key) ? tree(u.key) : null)));
  root.replaceChildren(tree(""));
}

async function showUnit(root, key) {
  const u = await getJSON("/api/units/" + key);
  document.title = `${u.name} · 预算知识图谱`;
  const figures = u.figures.length
    ? table(["指标", "阶段", "年度", "金额（万元）", "来源"],
            u.figures.map(f => [f.label, f.phase, String(f.year), f.amount, sourceText(f.source)]))
    : el("p", {class: "muted"}, "文件中没有这个单位的汇总数字。");
  root.replaceChildren(
    el("h1", {}, u.name),
    el("dl", {class: "facts"},
      el("dt", {}, "单位代码"), el("dd", {}, u.code || "—"),
      el("dt", {}, "地区"), el("dd", {}, u.region || "—"),
      el("dt", {}, "上级单位"), el("dd", {}, u.parent ? unitLink(u.parent) : "—"),
      el("dt", {}, "IRI"), el("dd", {class: "iri"}, u.iri)),
    el("h2", {}, "主要数字"), figures,
    el("p", {}, consoleLinks(u.sparql), " ", el("a", {href: "/api/units/" + key}, "JSON"), " ",
       el("a", {href: "/api/export?format=turtle&unit=" + encodeURIComponent(u.iri)}, "导出 Turtle"), " ",
       el("a", {href: "/api/export?format=csv&unit=" + encodeURIComponent(u.iri)}, "导出 CSV")),
    el("h2", {}, `下属单位（${u.children.length}）`),
    u.children.length ? el("ul", {}, u.children.map(c => el("li", {}, unitLink(c), c.code ? ` ${c.code}` : ""))) : el("p", {class: "muted"}, "无"),
    el("h2", {}, "文件"),
    u.documents.length ? el("ul", {}, u.documents.map(d => el("li", {}, `《${d.title}》 ${d.year}年${d.phase}（${d.file}）`)))
                       : el("p", {class: "muted"}, "这个单位没有自己的文件；数字来自上级部门的文件。"));
  const section = el("section", {id: "findings"}, el("p", {class: "muted"}, "正在审查……"));
  root.append(el("h2", {}, "审查发现"), section);
  showFindings(section, key).catch(error => section.replaceChildren(el("p", {class: "error"}, `审查出错：${error.message}`)));
}

const SEVERITY = {error: "错误", warning: "警告", hint: "提示"};

function placeText(p) {
  const where = p.table ? `表${p.table}“${p.table_title}”` : "正文";
  const page = p.page ? ` 第${p.page}页` : "";
  return `${p.file}:${p.line}${page} ${where}${p.figure ? " " + p.figure : ""} ${p.text}`.trim();
}

// The audit's findings about the unit (fetched after the page: the first request audits the store).
async function showFindings(section, key) {
  const data = await getJSON("/api/units/" + key + "/findings");
  const s = data.summary;
  const item = f => el("li", {class: "finding " + f.severity},
    el("span", {class: "severity"}, SEVERITY[f.severity] || f.severity), " ",
    el("code", {}, f.rule), " ", f.message,
    el("ul", {class: "places"}, f.places.slice(0, 4).map(p => el("li", {class: "muted"}, placeText(p))),
       f.places.length > 4 ? el("li", {class: "muted"}, `…另有 ${f.places.length - 4} 处`) : null));
  // errors and warnings shown; hints (mostly 0.01 万元 rounding) folded away
  const serious = data.findings.filter(f => f.severity !== "hint").map(item);
  const hints = data.findings.filter(f => f.severity === "hint").map(item);
  section.replaceChildren(
    el("p", {}, `错误 ${s.error}，警告 ${s.warning}，提示 ${s.hint}（审查了 ${data.documents} 份文件；命令行：budgetkg check）`),
    serious.length ? el("ul", {class: "findings"}, serious) : el("p", {class: "muted"}, "没有发现错误或警告。"),
    hints.length ? el("details", {class: "hints"}, el("summary", {}, `提示 ${hints.length} 条（多为 0.01 万元的尾差）`),
                      el("ul", {class: "findings"}, hints)) : null);
}

document.addEventListener("DOMContentLoaded", () => {
  const unit = document.getElementById("unit");
  const list = document.getElementById("units");
  const key = location.pathname.replace(/^\/units\/?/, "");
  const fail = (root, error) => root.replaceChildren(el("p", {class: "error"}, `出错了：${error.message}`));
  if (unit) showUnit(unit, key).catch(error => fail(unit, error));
  if (list) showList(list).catch(error => fail(list, error));
});
