// A small reading library in the manifest format of another practice app (its layout, our
// passages): exam id -> where its data file is. Written for the recorder's tests.
window.__READING_EXAM_MANIFEST__ = {
  "p1-low-01": { examId: "p1-low-01", dataKey: "p1-low-01", script: "./p1-low-01.js", title: "Harbour Lights", category: "P1", frequency: "low" },
  "p2-low-02": { examId: "p2-low-02", dataKey: "p2-low-02", script: "./p2-low-02.js", title: "The Quiet Orchard", category: "P2", frequency: "low" },
  "p3-high-03": { examId: "p3-high-03", dataKey: "p3-high-03", script: "./p3-high-03.js", title: "Paper Bridges", category: "P3", frequency: "high", },
};
