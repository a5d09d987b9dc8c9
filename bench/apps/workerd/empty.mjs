export const make = () => ({});
