// Runs before the Bootstrap Italia bundle: its bundled video.js would otherwise
// inject an inline <style>, which the Content Security Policy forbids.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
