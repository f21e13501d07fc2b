export interface Violation {
  checker: 'safety' | 'liveness';
  rule: string;
  atMs: number;
  message: string;
}
