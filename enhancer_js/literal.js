/*
 * literal.js: a tolerant reader for JavaScript object and array literals, the way key.js reads a
 * key written in a page's script text (`const answerKey = {...}`) as data.
 *
 * Quoted or bare keys, single, double or back quotes (no ${}), true/false/null, numbers,
 * trailing commas and comments. It reads data only: anything else (a call, a variable, an
 * expression) makes it give up, so no page code is ever run.
 */
(function () {
  'use strict';
  var NS = window.__ieltsRecorderNS;

  // The reader's state is {text, i}: the text and where it is in it.
  var ESCAPES = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', 0: '\0' };
  function fail() { throw new Error('not a literal'); }

  function space(r) {
    var text = r.text;
    for (;;) {
      while (r.i < text.length && /\s/.test(text[r.i])) r.i++;
      if (text.startsWith('//', r.i)) { while (r.i < text.length && text[r.i] !== '\n') r.i++; continue; }
      if (text.startsWith('/*', r.i)) { var end = text.indexOf('*/', r.i + 2); if (end < 0) fail(); r.i = end + 2; continue; }
      return;
    }
  }

  function string(r) {
    var text = r.text;
    var quote = text[r.i++];
    var out = '';
    while (r.i < text.length && text[r.i] !== quote) {
      if (quote === '`' && text[r.i] === '$' && text[r.i + 1] === '{') fail();
      if (text[r.i] === '\\') {
        r.i++;
        var c = text[r.i];
        if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(r.i + 1, r.i + 5))) {
          out += String.fromCharCode(parseInt(text.slice(r.i + 1, r.i + 5), 16));
          r.i += 5;
          continue;
        }
        out += ESCAPES[c] !== undefined ? ESCAPES[c] : c;
        r.i++;
        continue;
      }
      out += text[r.i++];
    }
    if (text[r.i] !== quote) fail();
    r.i++;
    return out;
  }

  function objectLiteral(r) {
    var text = r.text;
    r.i++;
    var obj = {};
    for (;;) {
      space(r);
      if (text[r.i] === '}') { r.i++; return obj; }
      var key;
      if (text[r.i] === '"' || text[r.i] === "'") key = string(r);
      else {
        var m = /^[A-Za-z0-9_$]+/.exec(text.slice(r.i, r.i + 64));
        if (!m) fail();
        key = m[0];
        r.i += key.length;
      }
      space(r);
      if (text[r.i++] !== ':') fail();
      obj[key] = value(r);
      space(r);
      if (text[r.i] === ',') { r.i++; continue; }
      if (text[r.i] === '}') { r.i++; return obj; }
      fail();
    }
  }

  function arrayLiteral(r) {
    var text = r.text;
    r.i++;
    var arr = [];
    for (;;) {
      space(r);
      if (text[r.i] === ']') { r.i++; return arr; }
      arr.push(value(r));
      space(r);
      if (text[r.i] === ',') { r.i++; continue; }
      if (text[r.i] === ']') { r.i++; return arr; }
      fail();
    }
  }

  function value(r) {
    space(r);
    var text = r.text;
    var ch = text[r.i];
    if (ch === '{') return objectLiteral(r);
    if (ch === '[') return arrayLiteral(r);
    if (ch === '"' || ch === "'" || ch === '`') return string(r);
    var word = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(r.i, r.i + 64));
    var w = word ? word[0] : null;
    if (w === 'true' || w === 'false' || w === 'null') { r.i += w.length; return w === 'true' ? true : w === 'false' ? false : null; }
    var num = /^-?\d+(\.\d+)?/.exec(text.slice(r.i, r.i + 32));
    if (num) { r.i += num[0].length; return Number(num[0]); }
    fail();
  }

  // The literal that starts at `start` in `text`; throws where there is none.
  NS.parseLiteralAt = function (text, start) {
    return value({ text: text, i: start });
  };
  NS.parseLiteral = function (text) { return NS.parseLiteralAt(text, 0); };
})();
