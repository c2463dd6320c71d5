import { expect, test } from "@playwright/test";
import { TID } from "../lib/test-ids";
import { ownDemoServer } from "./helpers/servers";

/**
 * A real outage: this spec runs its own demo-mode server, stops it while a wall and a board are
 * open, and starts it again on the same port. The wall must raise its banner within two refresh
 * intervals, the board its "not live" warning, and both must clear by themselves once the server
 * is back (event stream and polling both reconnect).
 */
const server = ownDemoServer(120_000);

test("the wall and the board warn when the server stops and clear the warning when it returns", async ({ page, context }) => {
  test.setTimeout(120_000);
  const refreshS = 2;
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${server().baseURL}/wall?refresh=${refreshS}`);
  await expect(page.getByTestId(TID.tile).first()).toBeVisible({ timeout: 30_000 });
  const banner = page.getByTestId(TID.wallStale);
  await expect(banner).toHaveCount(0);
  const board = await context.newPage();
  await board.goto(`${server().baseURL}/`);
  await expect(board.getByTestId(TID.tile).first()).toBeVisible();
  await expect(board.getByTestId(TID.freshness)).toContainText("Live");
  const boardWarning = board.getByTestId(TID.boardStale);
  await expect(boardWarning).toHaveCount(0);

  await server().stop();
  const stoppedAt = Date.now();
  await expect(banner).toBeVisible({ timeout: 2 * refreshS * 1000 + 2_000 });
  const after = (Date.now() - stoppedAt) / 1000;
  console.log(`real outage: banner after ${after.toFixed(1)} s (limit ${2 * refreshS} s)`);
  expect(after).toBeLessThanOrEqual(2 * refreshS + 1);
  await expect(banner).toContainText("SERVER UNREACHABLE");
  // Tiles keep the last data, dimmed, rather than disappearing.
  await expect(page.getByTestId(TID.tile).first()).toBeVisible();
  // The board says so too (its stream dropped and the poll that followed failed).
  await expect(boardWarning).toBeVisible({ timeout: 5_000 });
  await expect(boardWarning).toContainText("Not live");
  await expect(board.getByTestId(TID.tile).first()).toBeVisible();
  await board.screenshot({ path: "test-results/screenshots/board-outage-1920.png" });

  await server().restart();
  const backAt = Date.now();
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  console.log(`real outage: banner cleared ${((Date.now() - backAt) / 1000).toFixed(1)} s after the server answered again`);
  await expect(page.getByTestId(TID.wallUpdated)).toHaveText(/updated \d s ago/);
  await expect(boardWarning).toHaveCount(0, { timeout: 15_000 });
  await expect(board.getByTestId(TID.freshness)).toContainText("Live");
});
