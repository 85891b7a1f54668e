// Exam data, registered with the page's registry (written for the recorder's tests).
window.__READING_EXAM_DATA__.register("p3-high-03", {
  schemaVersion: "ReadingExamSourceV1",
  examId: "p3-high-03",
  meta: { title: "Paper Bridges", category: "P3" },
  passage: [
    "A. Engineering students build bridges from paper to learn how loads travel.",
    "B. The strongest designs use triangles, which keep their shape under weight.",
    "C. One class bridge held forty kilograms before it failed."
  ],
  questionOrder: ["q1", "q2", "q3"],
  questionDisplayMap: { q1: "27", q2: "28", q3: "29" },
  questions: {
    q1: { kind: "choice", text: "Why do students build paper bridges?", options: { A: "to win prizes", B: "to learn about loads", C: "to save money" } },
    q2: { kind: "gap", text: "The strongest designs use ______." },
    q3: { kind: "tfng", text: "A class bridge held forty kilograms." }
  },
  answerKey: { q1: "B", q2: ["triangles", "triangle"], q3: "TRUE" },
});
