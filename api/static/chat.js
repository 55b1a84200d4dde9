// The chat page: ask /api/ask, show the answer with its sources, chart, table and SPARQL.
"use strict";

const EXAMPLES = [
  "热线中心三公经费多少",
  "柳州热线中心的人员经费",
  "那长沙呢",
  "哪个热线中心的预算最多",
  "柳州市人民政府办公室有哪些下属单位",
  "柳州热线中心行政运行科目预算和决算分别是多少",
  "2010301是什么科目",
  "什么是三公经费",
];
const STATUS = {ok: "", no_data: "文件未公开", ambiguous: "需要说得更具体", not_understood: "没有理解", not_found: "没有找到"};

let sessionId = sessionStorage.getItem("budgetkg-session");

function answerNode(data) {
  const item = el("li", {class: `answer status-${data.status}`});
  if (STATUS[data.status]) item.append(el("span", {class: "badge"}, STATUS[data.status]));
  item.append(el("p", {class: "answer-text"}, linkify(data.answer, data.links)));
  if (data.chart && Array.isArray(data.chart.values) && data.chart.values.length > 1) item.append(barChart(data.chart));
  if (data.sources && data.sources.length) {
    const seen = new Set();
    const sources = data.sources.map(sourceText).filter(s => !seen.has(s) && seen.add(s));
    item.append(el("div", {class: "sources"}, el("span", {}, "来源："), el("ul", {}, sources.map(s => el("li", {}, s)))));
  }
  if (data.suggestions && data.suggestions.length) {
    item.append(el("div", {class: "suggestions"}, "可以试试：",
      data.suggestions.map(s => el("button", {type: "button", class: "chip", onclick: () => ask(s)}, s))));
  }
  const extras = [];
  if (data.rows && data.rows.length) {
    extras.push(el("details", {}, el("summary", {}, `数据表（${data.rows.length}行）`), table(data.columns, data.rows, data.links)));
  }
  if (data.sparql) {
    extras.push(el("details", {}, el("summary", {}, "SPARQL 查询"), el("pre", {class: "sparql"}, data.sparql)));
  }
  item.append(el("div", {class: "extras"}, extras, consoleLinks(data.sparql)));
  return item;
}

async function ask(question) {
  question = question.trim();
  if (!question) return;
  const log = document.getElementById("log");
  log.append(el("li", {class: "question"}, question));
  const pending = el("li", {class: "answer pending"}, "正在查询……");
  log.append(pending);
  pending.scrollIntoView({block: "end"});
  try {
    const response = await fetch("/api/ask", {
      method: "POST",
      headers: {"Content-Type": "application/json", "Accept": "application/json"},
      body: JSON.stringify(sessionId ? {question, session_id: sessionId} : {question}),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    sessionId = data.session_id;
    sessionStorage.setItem("budgetkg-session", sessionId);
    pending.replaceWith(answerNode(data));
  } catch (error) {
    pending.replaceWith(el("li", {class: "answer status-error"}, `出错了：${error.message}`));
  }
  log.lastElementChild.scrollIntoView({block: "nearest"});
}

document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("question");
  document.getElementById("examples").append(
    ...EXAMPLES.map(q => el("button", {type: "button", class: "chip example", onclick: () => ask(q)}, q)));
  document.getElementById("ask").addEventListener("submit", event => {
    event.preventDefault();
    const question = input.value;
    input.value = "";
    ask(question);
  });
  document.getElementById("new-session").addEventListener("click", () => {
    sessionId = null;
    sessionStorage.removeItem("budgetkg-session");
    document.getElementById("log").replaceChildren();
    input.focus();
  });
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) ask(initial);
  input.focus();
});
