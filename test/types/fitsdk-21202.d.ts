declare module 'fitsdk-21202';
