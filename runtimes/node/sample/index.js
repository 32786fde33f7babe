// A sample handler: greets each event, and fails on events that ask it to.
exports.handler = async (event) => {
  if (event && event.fail) {
    throw new Error(`asked to fail: ${event.name}`);
  }
  console.log(`hello, ${event.name}`);
};
