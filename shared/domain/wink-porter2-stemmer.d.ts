// The package ships plain CommonJS (`module.exports = stem`) without types.
declare module 'wink-porter2-stemmer' {
  export default function stem(word: string): string;
}
