// Runs lossmath.js's classifier maths over the cases tests/unit/test_explorer_js.py writes (argv[2]).

import { readFileSync } from "node:fs";
import { cellCentres, classifierStats, regionGrid } from "../../helper/explorers/js/lossmath.js";

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
console.log(
  JSON.stringify(
    cases.map((c) => ({
      grid: regionGrid(c.box, c.n, c.W, c.b),
      stats: classifierStats(c.points, c.classes, c.W, c.b),
      xs: cellCentres(c.box[0], c.box[1], c.n),
    })),
  ),
);
