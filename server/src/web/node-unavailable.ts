/**
 * What a library's Node-only dynamic `import()` gets in the web build (see scripts/build.mjs): such
 * branches run only on Node, and reaching one in the browser is a bug that must say so.
 */
throw new Error('a Node built-in module was loaded in the web build of Clearance');
