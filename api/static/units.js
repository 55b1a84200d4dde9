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
}

document.addEventListener("DOMContentLoaded", () => {
  const unit = document.getElementById("unit");
  const list = document.getElementById("units");
  const key = location.pathname.replace(/^\/units\/?/, "");
  const fail = (root, error) => root.replaceChildren(el("p", {class: "error"}, `出错了：${error.message}`));
  if (unit) showUnit(unit, key).catch(error => fail(unit, error));
  if (list) showList(list).catch(error => fail(list, error));
});
