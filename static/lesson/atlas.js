// The atlas's embed codes name this site: the build cannot know where the site will be served, so it
// writes a placeholder (builder/atlas.py's SITE) and the page puts its own address in its place.
const site = new URL("../", location.href).href;
for (const code of document.querySelectorAll("code[data-embed]")) {
  code.textContent = code.textContent.replaceAll("https://YOUR.HOST/convexplorer/", site);
}
