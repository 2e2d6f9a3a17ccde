/** Readiness as the health endpoints report it. */
export interface HealthApi {
  appId: string;
  /** Fully initialised: components loaded and the app channel (when any) ready. */
  ready(): boolean;
  /** Able to serve outbound API calls (components loaded), even before the app is up. */
  outboundReady(): boolean;
}
