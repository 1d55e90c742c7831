import type { WebviewMessage } from '../src/shared/protocol';

/** acquireVsCodeApi() may be called once per page: this module is that once. */
export interface UiState {
  selected?: string;
  tab?: string;
}

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): UiState | undefined;
  setState(state: UiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function send(msg: WebviewMessage): void {
  api.postMessage(msg);
}

export function loadUiState(): UiState {
  return api.getState() ?? {};
}

export function saveUiState(patch: Partial<UiState>): void {
  api.setState({ ...loadUiState(), ...patch });
}
