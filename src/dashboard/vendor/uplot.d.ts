// The browser loads uPlot's ES module from /dashboard/vendor/uplot.js (served from
// node_modules/uplot/dist/uPlot.esm.js); this file gives the compiler its types.
import uPlot from 'uplot';

export default uPlot;
