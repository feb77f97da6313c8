// The text in code mode's editor (CodeMirror, or the plain textarea before it is up).
() => {
  const cm = document.querySelector('#code-mode .CodeMirror');  // CodeMirror 5 keeps its instance on this element
  return cm ? cm.CodeMirror.getValue() : (document.getElementById('code-editor')?.value ?? '');
}
