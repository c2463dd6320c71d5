/** A bell mark for alerts (header count, tile mark); decorative, the text beside it says the number. */
export function Bell() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" width="1em" height="1em" className="bell">
      <path d="M8 1.5a4 4 0 0 0-4 4v2.8L2.5 11h11L12 8.3V5.5a4 4 0 0 0-4-4z" fill="currentColor" />
      <path d="M6.3 12.5a1.8 1.8 0 0 0 3.4 0z" fill="currentColor" />
    </svg>
  );
}
