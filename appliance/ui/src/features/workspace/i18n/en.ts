/** English texts of the workspace area (contact forms: tag chips, duplicate warning). */
const en = {
  'tags.hint': "Type a tag, press Enter",
  'tags.remove': "Remove the tag {tag}",
  'contact.duplicateSave': "Open it, or press “Save” again to keep this value anyway.",
};
export default en;

declare module '../../../i18n/index.js' {
  interface AreaMessages {
    workspace: typeof en;
  }
}
